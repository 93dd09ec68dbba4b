/// One check on a queried value. A predicate object in a canary file becomes a list of these,
/// all of which must hold; a bare value is `.equals`.
public indirect enum Predicate: Sendable, Equatable {
    case equals(JSONValue)
    case notEquals(JSONValue)
    case lessThan(JSONValue)
    case lessThanOrEqual(JSONValue)
    case greaterThan(JSONValue)
    case greaterThanOrEqual(JSONValue)
    /// The value is one of these.
    case isIn([JSONValue])
    /// Substring of a string, element of an array, or key of an object.
    case contains(JSONValue)
    case notContains(JSONValue)
    /// A regular expression (already checked to compile) that must match somewhere in the string.
    case matches(String)
    case exists(Bool)
    /// Length of a string (characters), array or object, checked by nested predicates.
    case length([Predicate])
    /// One of string number boolean array object null.
    case type(String)

    /// The key as written in canary files (`eq`, `lt`, …).
    public var keyword: String {
        switch self {
        case .equals: return "eq"
        case .notEquals: return "ne"
        case .lessThan: return "lt"
        case .lessThanOrEqual: return "lte"
        case .greaterThan: return "gt"
        case .greaterThanOrEqual: return "gte"
        case .isIn: return "in"
        case .contains: return "contains"
        case .notContains: return "notContains"
        case .matches: return "matches"
        case .exists: return "exists"
        case .length: return "length"
        case .type: return "type"
        }
    }

    /// Every predicate keyword, for "did you mean" suggestions.
    public static let keywords = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "notContains", "matches", "exists", "length", "type"]
}
