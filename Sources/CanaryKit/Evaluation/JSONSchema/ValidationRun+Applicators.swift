/// Applicator keywords: references, combinations, and the subschemas of items and properties.
extension ValidationRun {
    /// Whether the keyword holds; adds what it evaluated to `evaluated`.
    mutating func apply(_ keyword: SchemaKeyword, of node: SchemaNode, to value: JSONValue, evaluated: inout Evaluated) -> Bool {
        switch keyword {
        case .ref(let target):
            return merge(evaluate(target, value), into: &evaluated)
        case .dynamicRef(let target, let anchor):
            var resolved = target
            if let anchor, let outermost = outermostAnchor(anchor) { resolved = outermost }
            return merge(evaluate(resolved, value), into: &evaluated)
        case .recursiveRef(let target):
            var resolved = target
            if schema.dynamicAnchors[schema.nodes[target].resource]?[""] != nil, let outermost = outermostAnchor("") {
                resolved = outermost
            }
            return merge(evaluate(resolved, value), into: &evaluated)
        case .allOf(let list):
            var valid = true
            for branch in list where !merge(evaluate(branch, value), into: &evaluated) {
                valid = false
                if !collecting { return false }
            }
            return valid
        case .anyOf(let list):
            var matched = 0
            for branch in list where merge(quietly(branch, value), into: &evaluated) { matched += 1 }
            if matched == 0 { fail(node, "anyOf", "\(text(value)) matches none of the \(list.count) anyOf schemas") }
            return matched > 0
        case .oneOf(let list):
            var matching: [Int] = []
            var annotations = Evaluated()
            for (number, branch) in list.enumerated() {
                if let found = quietly(branch, value) {
                    matching.append(number)
                    annotations.merge(found)
                }
            }
            guard matching.count == 1 else {
                let found = matching.isEmpty ? "none" : "#" + matching.map(String.init).joined(separator: ", #")
                fail(node, "oneOf", "\(text(value)) matches \(found) of the \(list.count) oneOf schemas; expected exactly one")
                return false
            }
            evaluated.merge(annotations)
            return true
        case .not(let negated):
            guard quietly(negated, value) == nil else {
                fail(node, "not", "\(text(value)) matches the schema in 'not'")
                return false
            }
            return true
        case .conditional(let condition, let then, let otherwise):
            if let annotations = quietly(condition, value) {
                evaluated.merge(annotations)
                return then.map { merge(evaluate($0, value), into: &evaluated) } ?? true
            }
            return otherwise.map { merge(evaluate($0, value), into: &evaluated) } ?? true
        case .dependentSchemas(let named):
            var valid = true
            for entry in named where value[entry.name] != nil && !merge(evaluate(entry.node, value), into: &evaluated) {
                valid = false
            }
            return valid
        default:
            return applyToParts(keyword, of: node, to: value, evaluated: &evaluated)
        }
    }

    /// The dynamic anchor of this name in the outermost resource of the dynamic scope that has one.
    private func outermostAnchor(_ name: String) -> Int? {
        for resource in scope {
            if let node = schema.dynamicAnchors[resource]?[name] { return node }
        }
        return nil
    }

    private func merge(_ found: Evaluated?, into evaluated: inout Evaluated) -> Bool {
        guard let found else { return false }
        evaluated.merge(found)
        return true
    }

    /// Keywords that apply subschemas to items or property values.
    private mutating func applyToParts(_ keyword: SchemaKeyword, of node: SchemaNode, to value: JSONValue, evaluated: inout Evaluated) -> Bool {
        switch (keyword, value) {
        case (.prefixItems(let list), .array(let items)):
            evaluated.itemsBefore = max(evaluated.itemsBefore, min(list.count, items.count))
            var valid = true
            for index in items.indices.prefix(list.count) where descend(String(index), list[index], items[index]) == nil {
                valid = false
                if !collecting { return false }
            }
            return valid
        case (.items(let schema, let start), .array(let items)):
            evaluated.allItems = true
            return eachItem(items, from: start, schema, node: node, keyword: "items")
        case (.unevaluatedItems(let schema), .array(let items)):
            let left = items.indices.filter { !evaluated.allItems && $0 >= evaluated.itemsBefore && !evaluated.items.contains($0) }
            evaluated.allItems = true
            var valid = true
            for index in left where !item(index, items[index], schema, node: node, keyword: "unevaluatedItems") {
                valid = false
                if !collecting { return false }
            }
            return valid
        case (.contains(let schema, let minimum, let maximum), .array(let items)):
            var matched = 0
            for (index, item) in items.enumerated() where quietly(schema, item, at: String(index)) != nil {
                matched += 1
                evaluated.items.insert(index)
            }
            if matched < minimum {
                fail(node, "contains", matched == 0 ? "no item matches the 'contains' schema" : "\(matched) items match the 'contains' schema, fewer than minContains \(minimum)")
                return false
            }
            if let maximum, matched > maximum {
                fail(node, "maxContains", "\(matched) items match the 'contains' schema, more than maxContains \(maximum)")
                return false
            }
            return true
        case (.properties(let named), .object(let members)):
            var valid = true
            for entry in named {
                guard let member = members.first(where: { $0.key == entry.name }) else { continue }
                evaluated.properties.insert(entry.name)
                if descend(entry.name, entry.node, member.value) == nil { valid = false; if !collecting { return false } }
            }
            return valid
        case (.patternProperties(let list), .object(let members)):
            var valid = true
            for member in members {
                for entry in list where matches(entry.pattern, member.key) {
                    evaluated.properties.insert(member.key)
                    if descend(member.key, entry.node, member.value) == nil { valid = false; if !collecting { return false } }
                }
            }
            return valid
        case (.additionalProperties(let schema, let named, let patterns), .object(let members)):
            let others = members.filter { member in !named.contains(member.key) && !patterns.contains { matches($0, member.key) } }
            evaluated.allProperties = true
            return eachProperty(others, schema, node: node, keyword: "additionalProperties")
        case (.unevaluatedProperties(let schema), .object(let members)):
            let others = members.filter { !evaluated.allProperties && !evaluated.properties.contains($0.key) }
            evaluated.allProperties = true
            return eachProperty(others, schema, node: node, keyword: "unevaluatedProperties")
        case (.propertyNames(let schema), .object(let members)):
            var valid = true
            for member in members where descend(member.key, schema, .string(member.key)) == nil {
                valid = false
                if !collecting { return false }
            }
            return valid
        default:
            return check(keyword, of: node, value)
        }
    }

    private mutating func eachItem(_ items: [JSONValue], from start: Int, _ schema: Int, node: SchemaNode, keyword: String) -> Bool {
        var valid = true
        for index in items.indices.dropFirst(start) where !item(index, items[index], schema, node: node, keyword: keyword) {
            valid = false
            if !collecting { return false }
        }
        return valid
    }

    /// One item; against a `false` schema, one clear message instead of "not allowed here".
    private mutating func item(_ index: Int, _ value: JSONValue, _ schema: Int, node: SchemaNode, keyword: String) -> Bool {
        if schema.isFalse(in: self.schema) {
            fail(node, keyword, "item \(index) is not allowed: the array has \(index) items at most here")
            return false
        }
        return descend(String(index), schema, value) != nil
    }

    private mutating func eachProperty(_ members: [(key: String, value: JSONValue)], _ schema: Int, node: SchemaNode, keyword: String) -> Bool {
        guard !members.isEmpty else { return true }
        if schema.isFalse(in: self.schema) {
            let names = members.prefix(5).map { "'\(name($0.key))'" }.joined(separator: ", ")
            fail(node, keyword, "\(members.count == 1 ? "property" : "properties") \(names)\(members.count > 5 ? "…" : "") not allowed (\(keyword) is false)")
            return false
        }
        var valid = true
        for member in members where descend(member.key, schema, member.value) == nil {
            valid = false
            if !collecting { return false }
        }
        return valid
    }
}

extension Int {
    /// Whether this node index is the `false` schema.
    func isFalse(in schema: JSONSchema) -> Bool { schema.nodes[self].constant == false }
}
