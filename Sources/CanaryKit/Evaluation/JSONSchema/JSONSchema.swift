/// A JSON Schema compiled when the canary file loads: every subschema is a node, every `$ref`
/// an index into `nodes`, every regular expression already checked, so validating a body is a
/// pure walk over values (`JSONSchemaValidator`). Built by `JSONSchemaCompiler`.
public struct JSONSchema: Sendable, Equatable {
    var nodes: [SchemaNode]
    var root: Int
    /// `$dynamicAnchor`s by schema resource, for `$dynamicRef`'s walk through the dynamic scope.
    var dynamicAnchors: [Int: [String: Int]]
    /// `formats: true`: `format` is asserted (for the formats we know), not only an annotation.
    public var assertsFormats: Bool
    /// Where it came from, for labels: `schemas/user.json`, or `inline`.
    public var source: String
}

/// One subschema: a boolean schema, or the keywords of an object schema in the order written.
struct SchemaNode: Sendable, Equatable {
    /// `true` or `false` schemas; nil for object schemas.
    var constant: Bool?
    var keywords: [SchemaKeyword] = []
    /// The schema resource (`$id` scope) it belongs to: an index for the dynamic scope.
    var resource: Int
    /// Its place for messages: a JSON pointer in the root document (`/properties/a`), or
    /// prefixed with another file's name (`address.json#/properties/zip`).
    var location: String
}

/// The keywords of draft 2020-12 that do something (annotations that assert nothing, such as
/// `title`, are dropped at compile time). Subschemas are node indexes.
enum SchemaKeyword: Sendable, Equatable {
    // Core.
    case ref(Int)
    /// `anchor` is set when the static target carries a `$dynamicAnchor` of the fragment's name:
    /// then the outermost resource in the dynamic scope with that anchor wins.
    case dynamicRef(target: Int, anchor: String?)
    /// Draft 2019-09's `$recursiveRef: "#"`: `target`, or the outermost resource with `$recursiveAnchor: true`.
    case recursiveRef(target: Int)

    // Applicators.
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case dependentSchemas([Named])
    case prefixItems([Int])
    /// `items` after `prefixItems` (or draft 2019-09's `additionalItems` after an array `items`).
    case items(Int, from: Int)
    case contains(Int, min: Int, max: Int?)
    case properties([Named])
    case patternProperties([Matching])
    case additionalProperties(Int, properties: Set<String>, patterns: [Pattern])
    case propertyNames(Int)
    case unevaluatedItems(Int)
    case unevaluatedProperties(Int)

    // Validation.
    case type([String])
    case enumeration([JSONValue])
    case constant(JSONValue)
    case multipleOf(Double)
    case maximum(Double, exclusive: Bool)
    case minimum(Double, exclusive: Bool)
    case maxLength(Int)
    case minLength(Int)
    case pattern(Pattern)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([Dependency])

    // Format (asserted only with `formats: true`).
    case format(String)

    /// A property name and the subschema for its value.
    struct Named: Sendable, Equatable {
        var name: String
        var node: Int
    }

    /// A pattern and the subschema for the values of the properties whose names it matches.
    struct Matching: Sendable, Equatable {
        var pattern: Pattern
        var node: Int
    }

    /// When `name` is present, these must be too.
    struct Dependency: Sendable, Equatable {
        var name: String
        var required: [String]
    }
}

/// A regular expression of a schema, checked to compile at load time.
struct Pattern: Sendable, Equatable, CustomStringConvertible {
    var source: String
    var description: String { source }
}
