/// The applicator keywords: subschemas applied to the value or to its parts.
extension KeywordReader {
    func applicatorKeywords(draft: SchemaBuilder.Draft) throws(JSONSchemaProblem) -> [SchemaKeyword] {
        var keywords: [SchemaKeyword] = []
        if let list = try subschemas("allOf") { keywords.append(.allOf(list)) }
        if let list = try subschemas("anyOf") { keywords.append(.anyOf(list)) }
        if let list = try subschemas("oneOf") { keywords.append(.oneOf(list)) }
        if let negated = try subschema("not") { keywords.append(.not(negated)) }
        if let condition = try subschema("if") {
            keywords.append(.conditional(if: condition, then: try subschema("then"), else: try subschema("else")))
        } else {
            // `then` and `else` without `if` do nothing, but are still checked.
            _ = try subschema("then")
            _ = try subschema("else")
        }
        if draft == .draft7 {
            keywords += try dependencies()
        } else if let named = try namedSubschemas("dependentSchemas") {
            keywords.append(.dependentSchemas(named))
        }
        keywords += try itemKeywords(draft: draft)
        if let contained = try subschema("contains") {
            let minimum = draft == .draft7 ? 1 : try count("minContains") ?? 1
            let maximum = draft == .draft7 ? nil : try count("maxContains")
            keywords.append(.contains(contained, min: minimum, max: maximum))
        }
        let properties = try namedSubschemas("properties")
        if let properties { keywords.append(.properties(properties)) }
        var patterns: [SchemaKeyword.Matching] = []
        if let named = try namedSubschemas("patternProperties") {
            for entry in named {
                patterns.append(SchemaKeyword.Matching(pattern: try pattern(entry.name, at: "patternProperties"), node: entry.node))
            }
            keywords.append(.patternProperties(patterns))
        }
        if let additional = try subschema("additionalProperties") {
            keywords.append(.additionalProperties(additional, properties: Set(properties?.map(\.name) ?? []), patterns: patterns.map(\.pattern)))
        }
        if let names = try subschema("propertyNames") { keywords.append(.propertyNames(names)) }
        return keywords
    }

    /// `prefixItems` and `items` (2020-12), or `items` as an array and `additionalItems` (earlier drafts).
    private func itemKeywords(draft: SchemaBuilder.Draft) throws(JSONSchemaProblem) -> [SchemaKeyword] {
        var keywords: [SchemaKeyword] = []
        if draft == .draft2020 {
            let prefix = try subschemas("prefixItems")
            if let prefix { keywords.append(.prefixItems(prefix)) }
            if let rest = try subschema("items") { keywords.append(.items(rest, from: prefix?.count ?? 0)) }
            return keywords
        }
        if case .array(let items)? = object["items"] {
            let prefix = items.indices.map { builder.node(at: location + "items" + String($0)) }
            keywords.append(.prefixItems(prefix))
            if let rest = try subschema("additionalItems") { keywords.append(.items(rest, from: prefix.count)) }
        } else if let all = try subschema("items") {
            keywords.append(.items(all, from: 0))
        }
        return keywords
    }

    /// Draft 7's `dependencies`: a schema, or the names that must be present too.
    private func dependencies() throws(JSONSchemaProblem) -> [SchemaKeyword] {
        guard let value = object["dependencies"] else { return [] }
        guard case .object(let members) = value else { throw builder.problem(at: location + "dependencies", "'dependencies' must be an object") }
        var schemas: [SchemaKeyword.Named] = []
        var names: [SchemaKeyword.Dependency] = []
        for member in members {
            if case .array(let items) = member.value {
                names.append(SchemaKeyword.Dependency(name: member.key, required: items.compactMap { if case .string(let text) = $0 { text } else { nil } }))
            } else {
                schemas.append(SchemaKeyword.Named(name: member.key, node: builder.node(at: location + "dependencies" + member.key)))
            }
        }
        return (names.isEmpty ? [] : [.dependentRequired(names)]) + (schemas.isEmpty ? [] : [.dependentSchemas(schemas)])
    }
}
