import Foundation

/// Compiling one subschema's keywords: each value checked (a `minimum` that is not a number
/// is a load error, not a silent pass), subschemas queued, references resolved.
extension SchemaBuilder {
    func compileNode(at location: SchemaLocation) throws(JSONSchemaProblem) -> SchemaNode {
        let (base, dialect) = context(of: location)
        var node = SchemaNode(constant: nil, resource: resourceNumber(base), location: messagePlace(location))
        switch value(at: location) {
        case .bool(let flag)?:
            node.constant = flag
            return node
        case .object?:
            break
        default:
            throw problem(at: location, "a schema is an object or a boolean; found \(value(at: location)?.typeName ?? "nothing")")
        }
        let reader = KeywordReader(builder: self, location: location)
        if let reference = try reader.string("$ref") {
            node.keywords.append(.ref(self.node(at: try resolve(reference, from: location, keyword: "$ref"))))
            // Draft 7: `$ref` stands alone; its siblings are ignored.
            if dialect.draft == .draft7 { return node }
        }
        if dialect.draft == .draft2020, let reference = try reader.string("$dynamicRef") {
            node.keywords.append(try dynamicReference(reference, from: location))
        }
        if dialect.draft == .draft2019, let reference = try reader.string("$recursiveRef") {
            node.keywords.append(.recursiveRef(target: self.node(at: try resolve(reference, from: location, keyword: "$recursiveRef"))))
        }
        if dialect.validation { node.keywords += try reader.validationKeywords() }
        if case .string(let name)? = reader.object["format"] { node.keywords.append(.format(name)) }
        if dialect.applicator { node.keywords += try reader.applicatorKeywords(draft: dialect.draft) }
        if dialect.unevaluated, dialect.draft != .draft7 {
            if let items = try reader.subschema("unevaluatedItems") { node.keywords.append(.unevaluatedItems(items)) }
            if let properties = try reader.subschema("unevaluatedProperties") { node.keywords.append(.unevaluatedProperties(properties)) }
        }
        return node
    }

    /// A `$dynamicRef` dynamic only when its static target has a `$dynamicAnchor` of the
    /// fragment's name (draft 2020-12's "bookend"); otherwise it acts as `$ref`.
    private func dynamicReference(_ reference: String, from location: SchemaLocation) throws(JSONSchemaProblem) -> SchemaKeyword {
        let target = try resolve(reference, from: location, keyword: "$dynamicRef")
        let fragment = URIReference(reference).fragment ?? ""
        var anchor: String?
        if !fragment.isEmpty, !fragment.hasPrefix("/"), case .string(let name)? = value(at: target)?["$dynamicAnchor"], name == fragment {
            anchor = name
        }
        return .dynamicRef(target: node(at: target), anchor: anchor)
    }

    /// A `$ref` loop that never looks inside the value (`{"$ref": "#"}`, or `allOf` back to
    /// itself) would recurse forever: a load error, with the loop in the message.
    func checkReferenceCycles() throws(JSONSchemaProblem) {
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on the path, 2 done
        for start in nodes.indices where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                let edges = nodes[top.node].inPlaceSubschemas
                if top.next < edges.count {
                    stack[stack.count - 1].next += 1
                    let child = edges[top.next]
                    if state[child] == 1 {
                        let loop = stack.drop { $0.node != child }.map { nodes[$0.node].location } + [nodes[child].location]
                        let place = nodeLocations[child] ?? SchemaLocation(document: rootDocument, pointer: [])
                        throw problem(at: place, "the schema refers back to itself without looking inside the value (\(loop.map { $0.isEmpty ? "/" : $0 }.joined(separator: " → "))), so validating would never end; break the loop")
                    }
                    if state[child] == 0 {
                        state[child] = 1
                        stack.append((child, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
    }
}

extension SchemaNode {
    /// Subschemas always applied to the same value (not `then`/`else`, which depend on it, nor
    /// `$dynamicRef`, whose target depends on the path taken; the validator guards those).
    var inPlaceSubschemas: [Int] {
        keywords.flatMap { keyword -> [Int] in
            switch keyword {
            case .ref(let target), .not(let target): return [target]
            case .allOf(let list), .anyOf(let list), .oneOf(let list): return list
            case .conditional(let condition, _, _): return [condition]
            default: return []
            }
        }
    }
}
