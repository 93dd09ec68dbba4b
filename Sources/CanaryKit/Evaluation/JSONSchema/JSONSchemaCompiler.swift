/// A problem with a schema, found while compiling it: where (`document` is the file or `inline`,
/// `pointer` the place in it) and what, with the fix where there is an obvious one.
public struct JSONSchemaProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var document: String
    /// JSON pointer tokens of the place in `document`.
    public var pointer: [String]
    public var message: String
    public var description: String { "\(document) at \(JSONSchemaCompiler.pointerText(pointer)): \(message)" }
}

/// Turns a schema (and the local documents its `$ref`s name) into a `JSONSchema`, at load time.
public enum JSONSchemaCompiler {
    /// The most documents one schema may pull in through `$ref`.
    static let maximumDocuments = 200
    /// The most subschemas one schema may have: a schema is a few KB, not a body.
    static let maximumNodes = 200_000

    /// Compiles `schema`, whose base URI is `baseURI` (a `file:` URL, or `$id` inside wins).
    /// `document` loads another document by its absolute URI (without fragment): its value, nil
    /// when there is no such document, or a message saying why it can't be read.
    public static func compile(
        _ schema: JSONValue, baseURI: String, label: String, assertsFormats: Bool = false,
        document: @escaping (String) -> Result<JSONValue, JSONSchemaProblem>?
    ) throws(JSONSchemaProblem) -> JSONSchema {
        let builder = SchemaBuilder(load: document)
        let root = try builder.compileRoot(schema, uri: URIReference(baseURI).withoutFragment, label: label)
        return JSONSchema(nodes: builder.nodes, root: root, dynamicAnchors: builder.dynamicAnchorNodes,
                          assertsFormats: assertsFormats, source: label)
    }

    /// `/a/b~1c`, or `/` for the whole document.
    static func pointerText(_ tokens: [String]) -> String {
        tokens.isEmpty ? "/" : tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }
}

/// A place in a loaded document.
struct SchemaLocation: Hashable {
    var document: String
    var pointer: [String]
    var key: String { document + "#" + JSONSchemaCompiler.pointerText(pointer) }
}

/// The mutable state of one compilation; lives only inside `JSONSchemaCompiler.compile`.
final class SchemaBuilder {
    enum Draft { case draft7, draft2019, draft2020 }

    /// What a subschema is compiled with: its draft and the vocabularies its metaschema enables.
    struct Dialect: Equatable {
        var draft: Draft = .draft2020
        var validation = true
        var applicator = true
        var unevaluated = true
    }

    let load: (String) -> Result<JSONValue, JSONSchemaProblem>?
    var documents: [String: JSONValue] = [:]
    /// Labels of documents for messages: the root's label, or the file name of others.
    var labels: [String: String] = [:]
    var rootDocument = ""
    /// Schema resources by absolute URI (no fragment).
    var resources: [String: SchemaLocation] = [:]
    /// `$anchor`s and `$dynamicAnchor`s by `resourceURI#name`.
    var anchors: [String: SchemaLocation] = [:]
    /// `$dynamicAnchor`s (and draft 2019-09's `$recursiveAnchor: true`, named ""), to compile all.
    var dynamicAnchors: [(resource: String, name: String, location: SchemaLocation)] = []
    /// The base URI and dialect at each indexed schema location.
    var baseAt: [String: String] = [:]
    var dialectAt: [String: Dialect] = [:]
    var nodes: [SchemaNode] = []
    var nodeAt: [String: Int] = [:]
    var nodeLocations: [Int: SchemaLocation] = [:]
    var resourceNumbers: [String: Int] = [:]
    var dynamicAnchorNodes: [Int: [String: Int]] = [:]
    /// Subschemas found but not compiled yet.
    var queue: [(index: Int, location: SchemaLocation)] = []

    init(load: @escaping (String) -> Result<JSONValue, JSONSchemaProblem>?) {
        self.load = load
    }

    func compileRoot(_ schema: JSONValue, uri: String, label: String) throws(JSONSchemaProblem) -> Int {
        rootDocument = uri
        labels[uri] = label
        try addDocument(schema, uri: uri)
        let root = node(at: SchemaLocation(document: uri, pointer: []))
        // Documents loaded for a `$ref` bring dynamic anchors of their own: repeat until none is new.
        var mappedAnchors = 0
        while !queue.isEmpty || mappedAnchors < dynamicAnchors.count {
            for anchor in dynamicAnchors[mappedAnchors...] {
                dynamicAnchorNodes[resourceNumber(anchor.resource), default: [:]][anchor.name] = node(at: anchor.location)
            }
            mappedAnchors = dynamicAnchors.count
            while let next = queue.popLast() {
                guard nodes.count <= JSONSchemaCompiler.maximumNodes else {
                    throw problem(at: next.location, "the schema has more than \(JSONSchemaCompiler.maximumNodes) subschemas")
                }
                nodes[next.index] = try compileNode(at: next.location)
            }
        }
        try checkReferenceCycles()
        return root
    }

    /// The node index of the subschema at `location`, queued for compiling the first time.
    func node(at location: SchemaLocation) -> Int {
        if let index = nodeAt[location.key] { return index }
        let index = nodes.count
        nodes.append(SchemaNode(constant: true, resource: 0, location: ""))
        nodeAt[location.key] = index
        nodeLocations[index] = location
        queue.append((index, location))
        return index
    }

    func resourceNumber(_ uri: String) -> Int {
        if let number = resourceNumbers[uri] { return number }
        resourceNumbers[uri] = resourceNumbers.count
        return resourceNumbers.count - 1
    }

    func value(at location: SchemaLocation) -> JSONValue? {
        guard var value = documents[location.document] else { return nil }
        for token in location.pointer {
            switch value {
            case .object: guard let next = value[token] else { return nil }; value = next
            case .array(let items):
                guard let index = Int(token), token == String(index), items.indices.contains(index) else { return nil }
                value = items[index]
            default: return nil
            }
        }
        return value
    }

    /// The base URI and dialect of a location: indexed ones directly; a place inside an unknown
    /// keyword (reached by a JSON pointer) takes those of the nearest indexed place above it.
    func context(of location: SchemaLocation) -> (base: String, dialect: Dialect) {
        var probe = location
        while true {
            if let base = baseAt[probe.key] { return (base, dialectAt[probe.key] ?? Dialect()) }
            guard !probe.pointer.isEmpty else { return (location.document, Dialect()) }
            probe.pointer.removeLast()
        }
    }

    func problem(at location: SchemaLocation, _ message: String) -> JSONSchemaProblem {
        JSONSchemaProblem(document: labels[location.document] ?? location.document, pointer: location.pointer, message: message)
    }

    /// Where a violation of a keyword of this location is said to be, in messages.
    func messagePlace(_ location: SchemaLocation) -> String {
        let pointer = location.pointer.isEmpty ? "" : JSONSchemaCompiler.pointerText(location.pointer)
        if location.document == rootDocument { return pointer }
        return (labels[location.document] ?? location.document) + "#" + pointer
    }
}
