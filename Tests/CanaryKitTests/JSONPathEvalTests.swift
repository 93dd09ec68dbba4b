import Testing
@testable import CanaryKit

/// {"store": {"book": [{"title": "A", "price": 8}, {"title": "B", "price": 12, "isbn": "x"}],
///            "bicycle": {"color": "red", "price": 19}},
///  "empty": [], "n": null, "title": "top"}
private let bookA: JSONValue = .object([("title", .string("A")), ("price", .number(8))])
private let bookB: JSONValue = .object([("title", .string("B")), ("price", .number(12)), ("isbn", .string("x"))])
private let bicycle: JSONValue = .object([("color", .string("red")), ("price", .number(19))])
private let store: JSONValue = .object([("book", .array([bookA, bookB])), ("bicycle", bicycle)])
private let document: JSONValue = .object([
    ("store", store), ("empty", .array([])), ("n", .null), ("title", .string("top")),
])

struct PathCase: Sendable, CustomTestStringConvertible {
    var source: String
    var segments: [JSONPath.Segment]
    var selected: [JSONValue]
    var testDescription: String { source }
    var path: JSONPath { JSONPath(source: source, segments: segments) }
}

@Suite("JSONPath evaluation")
struct JSONPathEvalTests {
    @Test("select returns the values in document order", arguments: [
        PathCase(source: "$", segments: [], selected: [document]),
        PathCase(source: "$.title", segments: [.key("title")], selected: [.string("top")]),
        PathCase(source: "$['store'].bicycle", segments: [.key("store"), .key("bicycle")], selected: [bicycle]),
        PathCase(source: "$.n", segments: [.key("n")], selected: [.null]),
        PathCase(source: "$.missing", segments: [.key("missing")], selected: []),
        PathCase(source: "$.title.length", segments: [.key("title"), .key("length")], selected: []),
        PathCase(source: "$.store.book[0]", segments: [.key("store"), .key("book"), .index(0)], selected: [bookA]),
        PathCase(source: "$.store.book[-1].title", segments: [.key("store"), .key("book"), .index(-1), .key("title")], selected: [.string("B")]),
        PathCase(source: "$.store.book[-2]", segments: [.key("store"), .key("book"), .index(-2)], selected: [bookA]),
        PathCase(source: "$.store.book[2]", segments: [.key("store"), .key("book"), .index(2)], selected: []),
        PathCase(source: "$.store.book[-3]", segments: [.key("store"), .key("book"), .index(-3)], selected: []),
        PathCase(source: "$.empty[0]", segments: [.key("empty"), .index(0)], selected: []),
        PathCase(source: "$.store[0]", segments: [.key("store"), .index(0)], selected: []),
        PathCase(source: "$.store.book[*].title", segments: [.key("store"), .key("book"), .wildcard, .key("title")], selected: [.string("A"), .string("B")]),
        PathCase(source: "$.store.bicycle[*]", segments: [.key("store"), .key("bicycle"), .wildcard], selected: [.string("red"), .number(19)]),
        PathCase(source: "$.empty[*]", segments: [.key("empty"), .wildcard], selected: []),
        PathCase(source: "$.title[*]", segments: [.key("title"), .wildcard], selected: []),
        PathCase(source: "$.store.book[*].isbn", segments: [.key("store"), .key("book"), .wildcard, .key("isbn")], selected: [.string("x")]),
        PathCase(source: "$..price", segments: [.descendant("price")], selected: [.number(8), .number(12), .number(19)]),
        PathCase(source: "$..title", segments: [.descendant("title")], selected: [.string("top"), .string("A"), .string("B")]),
        PathCase(source: "$..nothing", segments: [.descendant("nothing")], selected: []),
        PathCase(source: "$.store.bicycle..*", segments: [.key("store"), .key("bicycle"), .descendantWildcard], selected: [.string("red"), .number(19)]),
        PathCase(source: "$.store.book..*", segments: [.key("store"), .key("book"), .descendantWildcard],
                 selected: [bookA, bookB, .string("A"), .number(8), .string("B"), .number(12), .string("x")]),
    ])
    func select(_ row: PathCase) {
        #expect(JSONPathEvaluator.select(row.path, in: document) == row.selected)
    }

    @Test("a definite path gives its single value, a wildcard or descent an array, nothing gives nil", arguments: [
        (PathCase(source: "$.title", segments: [.key("title")], selected: []), JSONValue?.some(.string("top"))),
        (PathCase(source: "$.n", segments: [.key("n")], selected: []), JSONValue?.some(.null)),
        (PathCase(source: "$.missing", segments: [.key("missing")], selected: []), nil),
        (PathCase(source: "$.store.book[*].isbn", segments: [.key("store"), .key("book"), .wildcard, .key("isbn")], selected: []), .some(.array([.string("x")]))),
        (PathCase(source: "$..price", segments: [.descendant("price")], selected: []), .some(.array([.number(8), .number(12), .number(19)]))),
        (PathCase(source: "$.empty[*]", segments: [.key("empty"), .wildcard], selected: []), nil),
        (PathCase(source: "$..error", segments: [.descendant("error")], selected: []), nil),
        (PathCase(source: "$.empty", segments: [.key("empty")], selected: []), .some(.array([]))),
    ])
    func query(_ row: PathCase, expected: JSONValue?) {
        #expect(JSONPathEvaluator.query(row.path, in: document) == expected)
    }

    @Test("a filter, slice or union gives a list to the predicate even when it selects one value", arguments: [
        ("$.store.book[?@.price < 10].title", JSONValue?.some(.array([.string("A")]))),
        ("$.store.book[0:1].title", .some(.array([.string("A")]))),
        ("$.store.book[::-1].title", .some(.array([.string("B"), .string("A")]))),
        ("$.store.book[?@.price > 100]", nil),
        ("$.store.book[?@.isbn]", .some(.array([bookB]))),
        ("$.store['bicycle','nothing'].color", .some(.array([.string("red")]))),
        ("$.store.book[?length(@.title) == 1 && search(@.title, '[AB]')].price", .some(.array([.number(8), .number(12)]))),
        ("$..[?@.price >= 12].price", .some(.array([.number(19), .number(12)]))),
        ("$.store.book[?@.price == $.store.book[0].price].title", .some(.array([.string("A")]))),
        ("$.store.book[0].title", .some(.string("A"))),
    ])
    func filterQuery(source: String, expected: JSONValue?) throws {
        #expect(JSONPathEvaluator.query(try JSONPath.parse(source), in: document) == expected)
    }

    @Test("$ on a scalar document is that scalar")
    func rootOfScalar() {
        let root = JSONPath(source: "$", segments: [])
        #expect(JSONPathEvaluator.query(root, in: .number(3)) == .number(3))
        #expect(JSONPathEvaluator.select(JSONPath(source: "$.a", segments: [.key("a")]), in: .number(3)).isEmpty)
    }
}
