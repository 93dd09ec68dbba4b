/// The JSON Schema (draft 2020-12) of the canary file, written from `Shapes`: `canary schema`
/// prints it and `schema/canary.schema.json` is a copy (a test keeps the two equal). Every key
/// has a description and an example; objects refuse unknown keys as the decoder does.
public enum FileSchema {
    /// The schema as text, ending in a newline.
    public static var text: String { JSON5.serialize(document, pretty: true) + "\n" }

    static var document: JSONValue {
        .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("canary file")),
            ("description", .string(
                "A canary file of `canary` (JSON5: comments, unquoted keys and trailing commas are allowed). "
                    + "Written by `canary schema` from the loader's own tables.")),
            // VS Code's JSON language service (and jsonls): no errors for comments and trailing
            // commas in files this schema applies to. Other validators ignore unknown keywords.
            ("allowComments", .bool(true)),
            ("allowTrailingCommas", .bool(true)),
            ("$ref", .string(reference(Shapes.canary.name))),
            ("$defs", .object(Shapes.all.map { ($0.name, schema(of: $0)) })),
        ])
    }

    static func reference(_ shape: String) -> String { "#/$defs/\(shape)" }

    /// A duration as `Duration(humanText:)` reads it.
    static let durationPattern = #"^[0-9]+(\.[0-9]+)?(ms|s|m|h|d)$"#

    static func schema(of shape: Shape) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string("object")),
            ("description", .string(shape.doc)),
            ("properties", .object(shape.fields.map { ($0.key, schema(of: $0)) })),
        ]
        let required = shape.fields.filter(\.required).map { JSONValue.string($0.key) }
        if !required.isEmpty { members.append(("required", .array(required))) }
        if shape.nonEmpty { members.append(("minProperties", .number(1))) }
        members.append(("additionalProperties", .bool(false)))
        let rules = shape.rules.map(schema(of:))
        if rules.count == 1, case .object(let rule) = rules[0] { members += rule }
        if rules.count > 1 { members.append(("allOf", .array(rules))) }
        return .object(members)
    }

    static func schema(of field: Field) -> JSONValue {
        guard case .object(var members) = schema(of: field.kind) else { return .bool(true) }
        members.append(("description", .string(field.doc)))
        // An example that does not parse is a bug that FileShapeTests reports.
        if let example = try? JSON5.parseJSON(Array(field.example.utf8)) { members.append(("examples", .array([example]))) }
        return .object(members)
    }

    /// `exactlyOne`: one group whole and no key of another; `atMostOne`: no two of the keys.
    static func schema(of rule: Shape.Rule) -> JSONValue {
        switch rule {
        case .exactlyOne(let groups):
            return .object([("oneOf", .array(groups.map { group in
                let others = groups.joined().filter { !group.contains($0) }
                var alternative: [(key: String, value: JSONValue)] = [("required", .array(group.map(JSONValue.string)))]
                if !others.isEmpty { alternative.append(("properties", .object(others.map { ($0, .bool(false)) }))) }
                return .object(alternative)
            }))])
        case .atMostOne(let keys):
            let pairs = keys.indices.flatMap { first in keys[(first + 1)...].map { [keys[first], $0] } }
            return .object([("not", .object([("anyOf", .array(pairs.map { .object([("required", .array($0.map(JSONValue.string)))]) }))]))])
        }
    }

    static func schema(of kind: ValueKind) -> JSONValue {
        func object(_ members: (String, JSONValue)...) -> JSONValue { .object(members.map { (key: $0.0, value: $0.1) }) }
        switch kind {
        case .string, .template: return object(("type", .string("string")))
        case .pattern(let pattern): return object(("type", .string("string")), ("pattern", .string(pattern)))
        case .text: return object(("type", .array(["string", "number", "boolean"].map(JSONValue.string))))
        case .duration: return object(("type", .string("string")), ("pattern", .string(durationPattern)))
        case .integer(let range):
            return object(("type", .string("integer")), ("minimum", .number(Double(range.lowerBound))), ("maximum", .number(Double(range.upperBound))))
        case .number: return object(("type", .string("number")))
        case .boolean: return object(("type", .string("boolean")))
        case .constant(let value): return object(("const", .bool(value)))
        case .choice(let words): return object(("enum", .array(words.map(JSONValue.string))))
        case .shape(let name): return object(("$ref", .string(reference(name))))
        case .map(let value): return object(("type", .string("object")), ("additionalProperties", schema(of: value)))
        case .array(let item, let minItems):
            return minItems > 0
                ? object(("type", .string("array")), ("items", schema(of: item)), ("minItems", .number(Double(minItems))))
                : object(("type", .string("array")), ("items", schema(of: item)))
        case .anyOf(let kinds): return object(("anyOf", .array(kinds.map(schema(of:)))))
        case .predicate(let operand): return object(("anyOf", .array(bare(operand) + [object(("$ref", .string(reference("predicate-\(operand.name)"))))])))
        case .schema: return object(("type", .array([.string("object"), .string("boolean")])))
        case .schemaOr(let name):
            guard let shape = Shapes.named(name) else { return schema(of: .schema) }
            let alone = JSONValue.object([
                ("type", .string("object")),
                ("propertyNames", .object([("enum", .array(shape.keys.map(JSONValue.string)))])),
                ("anyOf", .array(shape.rules.flatMap(\.keys).map { .object([("required", .array([.string($0)]))]) })),
            ])
            return object(("type", .array([.string("object"), .string("boolean")])), ("not", alone))
        case .any: return .object([])
        }
    }

    /// What a predicate may be instead of an object: a value meaning eq (any JSON but an object,
    /// which reads as predicates), and for a status a list meaning one of.
    private static func bare(_ operand: CanaryFileDecoder.OperandKind) -> [JSONValue] {
        switch operand {
        case .any: return [.object([("not", .object([("type", .string("object"))]))])]
        case .statusCode:
            let code = schema(of: .operand(.statusCode))
            return [code, .object([("type", .string("array")), ("items", code)])]
        default: return [schema(of: .operand(operand))]
        }
    }
}
