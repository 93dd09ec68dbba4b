/// Indexing a document: its schema resources (`$id`), anchors and the dialect of each subschema,
/// walking only the keywords that hold subschemas (an `$id` inside `const` names nothing).
extension SchemaBuilder {
    static let singleSchemaKeywords: Set<String> = [
        "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains", "propertyNames",
        "not", "if", "then", "else", "additionalItems", "items",
    ]
    static let schemaArrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems", "items"]
    static let schemaMapKeywords: Set<String> = ["$defs", "definitions", "properties", "patternProperties", "dependentSchemas", "dependencies"]

    static let metaschemas: [String: Draft] = [
        "https://json-schema.org/draft/2020-12/schema": .draft2020,
        "https://json-schema.org/draft/2019-09/schema": .draft2019,
        "http://json-schema.org/draft-07/schema": .draft7,
        "http://json-schema.org/draft-06/schema": .draft7,
    ]

    /// A document without `$schema` is read in the dialect of the schema that refers to it.
    func addDocument(_ value: JSONValue, uri: String, dialect: Dialect = Dialect()) throws(JSONSchemaProblem) {
        guard documents[uri] == nil else { return }
        guard documents.count < JSONSchemaCompiler.maximumDocuments else {
            throw JSONSchemaProblem(document: uri, pointer: [], message: "more than \(JSONSchemaCompiler.maximumDocuments) schema documents")
        }
        documents[uri] = value
        if labels[uri] == nil { labels[uri] = Self.fileName(of: uri) }
        resources[uri] = SchemaLocation(document: uri, pointer: [])
        try index(value, at: SchemaLocation(document: uri, pointer: []), base: uri, dialect: dialect, depth: 0)
    }

    private static func fileName(of uri: String) -> String {
        guard uri.hasPrefix("file:") else { return uri }
        return String(URIReference(uri).path.split(separator: "/").last ?? Substring(uri))
    }

    private func index(_ value: JSONValue, at location: SchemaLocation, base: String, dialect: Dialect, depth: Int) throws(JSONSchemaProblem) {
        guard depth < JSON5.maximumDepth else { throw problem(at: location, "the schema is nested more than \(JSON5.maximumDepth) levels") }
        guard case .object = value else {
            baseAt[location.key] = base
            dialectAt[location.key] = dialect
            return
        }
        var dialect = dialect
        if case .string(let metaschema)? = value["$schema"] {
            dialect = try self.dialect(of: metaschema, at: location)
        }
        var base = base
        // Draft 7 ignores everything beside `$ref`, `$id` included.
        if case .string(let id)? = value["$id"], dialect.draft != .draft7 || value["$ref"] == nil {
            let resolved = URIReference(base).resolving(id)
            if let fragment = resolved.fragment, !fragment.isEmpty {
                guard dialect.draft == .draft7 else { throw problem(at: location + "$id", "'$id' must not have a fragment ('#\(fragment)'); use \"$anchor\": \"\(fragment)\"") }
                anchors[resolved.withoutFragment + "#" + fragment] = location
            }
            if !id.hasPrefix("#") {
                base = resolved.withoutFragment
                resources[base] = location
            }
        }
        baseAt[location.key] = base
        dialectAt[location.key] = dialect
        if case .string(let name)? = value["$anchor"] { anchors[base + "#" + name] = location }
        if case .string(let name)? = value["$dynamicAnchor"] {
            anchors[base + "#" + name] = location
            dynamicAnchors.append((base, name, location))
        }
        if value["$recursiveAnchor"] == .bool(true) { dynamicAnchors.append((base, "", location)) }
        guard case .object(let members) = value else { return }
        for (key, child) in members {
            // Draft 7 ignores everything beside `$ref`, but `definitions` still holds subschemas.
            if Self.singleSchemaKeywords.contains(key), !child.isArray {
                try index(child, at: location + key, base: base, dialect: dialect, depth: depth + 1)
            }
            if Self.schemaArrayKeywords.contains(key), case .array(let items) = child {
                for (number, item) in items.enumerated() {
                    try index(item, at: location + key + String(number), base: base, dialect: dialect, depth: depth + 1)
                }
            }
            if Self.schemaMapKeywords.contains(key), case .object(let entries) = child {
                for (name, item) in entries where !(key == "dependencies" && item.isArray) {
                    try index(item, at: location + key + name, base: base, dialect: dialect, depth: depth + 1)
                }
            }
        }
    }

    /// The dialect a `$schema` names: a draft we know, or a metaschema document (its
    /// `$vocabulary` turns vocabularies off).
    private func dialect(of metaschema: String, at location: SchemaLocation) throws(JSONSchemaProblem) -> Dialect {
        var uri = metaschema
        if uri.hasSuffix("#") { uri.removeLast() }
        if let draft = Self.metaschemas[uri] { return Dialect(draft: draft) }
        let known = "use https://json-schema.org/draft/2020-12/schema (or …/2019-09/schema, http://json-schema.org/draft-07/schema#)"
        guard let loaded = load(uri) else { throw problem(at: location + "$schema", "unknown '$schema' \"\(metaschema)\"; \(known)") }
        let document: JSONValue
        switch loaded {
        case .success(let value): document = value
        case .failure(let failure): throw failure
        }
        var dialect = Dialect()
        if case .string(let parent)? = document["$schema"], let draft = Self.metaschemas[parent.hasSuffix("#") ? String(parent.dropLast()) : parent] {
            dialect.draft = draft
        }
        guard case .object(let vocabularies)? = document["$vocabulary"] else { return dialect }
        let names = Set(vocabularies.map(\.key))
        for (vocabulary, required) in vocabularies where required == .bool(true) {
            guard Self.knownVocabularies.contains(where: { vocabulary.hasSuffix($0) }) else {
                throw problem(at: location + "$schema", "the metaschema requires the vocabulary \(vocabulary), which canary does not know")
            }
        }
        dialect.validation = names.contains { $0.hasSuffix("/vocab/validation") }
        dialect.applicator = names.contains { $0.hasSuffix("/vocab/applicator") }
        dialect.unevaluated = names.contains { $0.hasSuffix("/vocab/unevaluated") } || (dialect.draft == .draft2019 && dialect.applicator)
        return dialect
    }

    private static let knownVocabularies = [
        "/vocab/core", "/vocab/applicator", "/vocab/unevaluated", "/vocab/validation", "/vocab/meta-data",
        "/vocab/format-annotation", "/vocab/format-assertion", "/vocab/format", "/vocab/content",
    ]

    /// Where a `$ref` (or `$dynamicRef`) written at `location` points, loading the document it
    /// names if it is not loaded yet.
    func resolve(_ reference: String, from location: SchemaLocation, keyword: String) throws(JSONSchemaProblem) -> SchemaLocation {
        let base = context(of: location).base
        let target = URIReference(base).resolving(reference)
        let document = target.withoutFragment
        if resources[document] == nil {
            switch load(document) {
            case .success(let value)?: try addDocument(value, uri: document, dialect: context(of: location).dialect)
            case .failure(let failure)?: throw failure
            case nil: break
            }
        }
        guard let resource = resources[document] else {
            let hint = document.hasPrefix("http") ? "; canary fetches no schema over the network: save it beside this one and refer to it by a relative path" : ""
            throw problem(at: location + keyword, "'\(keyword)' \"\(reference)\" names no schema that canary can find (\(document))\(hint)")
        }
        let fragment = target.fragment.map { $0.removingPercentEncoding ?? $0 } ?? ""
        if fragment.isEmpty { return resource }
        if fragment.hasPrefix("/") {
            let tokens = fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            let found = SchemaLocation(document: resource.document, pointer: resource.pointer + tokens)
            guard value(at: found) != nil else {
                throw problem(at: location + keyword, "'\(keyword)' \"\(reference)\": the document has nothing at \(fragment)")
            }
            return found
        }
        guard let anchored = anchors[document + "#" + fragment] else {
            throw problem(at: location + keyword, "'\(keyword)' \"\(reference)\": no \"$anchor\": \"\(fragment)\" in \(labels[resource.document] ?? document)")
        }
        return anchored
    }
}

extension SchemaLocation {
    static func + (location: SchemaLocation, token: String) -> SchemaLocation {
        SchemaLocation(document: location.document, pointer: location.pointer + [token])
    }
}

extension JSONValue {
    var isArray: Bool { if case .array = self { true } else { false } }
}
