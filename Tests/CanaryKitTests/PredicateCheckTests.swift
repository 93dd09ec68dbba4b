import Testing
@testable import CanaryKit

/// One row: a predicate, a value (nil: the query found nothing), whether it should hold.
struct PredicateCase: Sendable, CustomTestStringConvertible {
    var predicate: Predicate
    var value: JSONValue?
    var holds: Bool
    init(_ predicate: Predicate, _ value: JSONValue?, _ holds: Bool) {
        self.predicate = predicate
        self.value = value
        self.holds = holds
    }
    var testDescription: String { "\(predicate.keyword) on \(value?.compactJSONText ?? "nothing") → \(holds)" }
}

private let object: JSONValue = .object([("a", .number(1)), ("b", .string("x"))])
private let array: JSONValue = .array([.number(1), .string("a"), .null])

@Suite("Predicates")
struct PredicateCheckTests {
    @Test("eq and ne compare deeply, numbers numerically, objects in any key order", arguments: [
        PredicateCase(.equals(.number(200)), .number(200.0), true),
        PredicateCase(.equals(.number(200)), .number(201), false),
        PredicateCase(.equals(.number(200)), .string("200"), false),
        PredicateCase(.equals(.string("ok")), .string("ok"), true),
        PredicateCase(.equals(.bool(true)), .bool(true), true),
        PredicateCase(.equals(.null), .null, true),
        PredicateCase(.equals(.null), .bool(false), false),
        PredicateCase(.equals(array), array, true),
        PredicateCase(.equals(.array([.number(1)])), .array([.number(1), .number(2)]), false),
        PredicateCase(.equals(.object([("b", .string("x")), ("a", .number(1))])), object, true),
        PredicateCase(.equals(.number(1)), nil, false),
        PredicateCase(.notEquals(.number(500)), .number(200), true),
        PredicateCase(.notEquals(.number(500)), .number(500), false),
        PredicateCase(.notEquals(.number(500)), .string("500"), true),
        PredicateCase(.notEquals(.number(500)), nil, false),
    ])
    func equality(_ row: PredicateCase) { expectOutcome(row) }

    @Test("ordering works on two numbers or two strings (numerically when both read as numbers) and fails on anything else", arguments: [
        PredicateCase(.lessThan(.number(300)), .number(299.5), true),
        PredicateCase(.lessThan(.number(300)), .number(300), false),
        PredicateCase(.lessThanOrEqual(.number(300)), .number(300), true),
        PredicateCase(.greaterThan(.number(1)), .number(2), true),
        PredicateCase(.greaterThan(.number(1)), .number(1), false),
        PredicateCase(.greaterThanOrEqual(.number(-1)), .number(-1), true),
        PredicateCase(.lessThan(.string("b")), .string("abc"), true),
        PredicateCase(.greaterThan(.string("b")), .string("abc"), false),
        PredicateCase(.lessThan(.number(300)), .string("abc"), false),
        PredicateCase(.lessThan(.number(300)), .string("12"), true),
        PredicateCase(.greaterThan(.string("10")), .string("9"), false),
        PredicateCase(.lessThan(.string("100")), .string("99"), true),
        PredicateCase(.greaterThan(.number(10)), .string("9"), false),
        PredicateCase(.greaterThanOrEqual(.string("1e3")), .number(1000), true),
        PredicateCase(.lessThan(.string("-2.5")), .string("-3"), true),
        PredicateCase(.lessThan(.string("b")), .string("10"), true),
        PredicateCase(.lessThan(.number(300)), .string("0x10"), false),
        PredicateCase(.lessThan(.number(300)), .string("inf"), false),
        PredicateCase(.lessThan(.number(300)), .string(" 12"), false),
        PredicateCase(.lessThan(.string("m")), .number(5), false),
        PredicateCase(.gte(.number(0)), .bool(true), false),
        PredicateCase(.lessThan(.number(3)), .null, false),
        PredicateCase(.lessThan(.number(3)), array, false),
        PredicateCase(.lessThan(.number(3)), object, false),
        PredicateCase(.lessThan(.bool(true)), .bool(false), false),
        PredicateCase(.lessThan(.number(3)), nil, false),
    ])
    func ordering(_ row: PredicateCase) { expectOutcome(row) }

    @Test("in is membership by deep equality", arguments: [
        PredicateCase(.isIn([.number(200), .number(201)]), .number(201), true),
        PredicateCase(.isIn([.number(200), .number(201)]), .number(503), false),
        PredicateCase(.isIn([.string("a"), .null]), .null, true),
        PredicateCase(.isIn([array]), array, true),
        PredicateCase(.isIn([]), .number(1), false),
        PredicateCase(.isIn([.number(1)]), nil, false),
    ])
    func membership(_ row: PredicateCase) { expectOutcome(row) }

    @Test("contains is a substring, an element or a key; notContains is its opposite", arguments: [
        PredicateCase(.contains(.string("ok")), .string("all ok"), true),
        PredicateCase(.contains(.string("OK")), .string("all ok"), false),
        PredicateCase(.contains(.string("")), .string(""), true),
        PredicateCase(.contains(.number(1)), .string("1"), false),
        PredicateCase(.contains(.number(1)), array, true),
        PredicateCase(.contains(.null), array, true),
        PredicateCase(.contains(.string("b")), array, false),
        PredicateCase(.contains(.string("a")), object, true),
        PredicateCase(.contains(.string("x")), object, false),
        PredicateCase(.contains(.number(1)), object, false),
        PredicateCase(.contains(.string("1")), .number(1), false),
        PredicateCase(.contains(.string("t")), .bool(true), false),
        PredicateCase(.contains(.string("n")), .null, false),
        PredicateCase(.contains(.string("ok")), nil, false),
        PredicateCase(.notContains(.string("error")), .string("all ok"), true),
        PredicateCase(.notContains(.string("ok")), .string("all ok"), false),
        PredicateCase(.notContains(.number(2)), array, true),
        PredicateCase(.notContains(.string("a")), object, false),
        PredicateCase(.notContains(.string("x")), .number(1), false),
        PredicateCase(.notContains(.string("error")), nil, false),
    ])
    func containment(_ row: PredicateCase) { expectOutcome(row) }

    @Test("matches searches strings with a regular expression", arguments: [
        PredicateCase(.matches("^2\\d\\d$"), .string("204"), true),
        PredicateCase(.matches("sid=[a-f0-9]+"), .string("a=1; sid=beef; Path=/"), true),
        PredicateCase(.matches("^ok$"), .string("not ok"), false),
        PredicateCase(.matches("(?i)JSON"), .string("application/json"), true),
        PredicateCase(.matches("2"), .number(2), false),
        PredicateCase(.matches("("), .string("("), false),
        PredicateCase(.matches("."), nil, false),
    ])
    func matching(_ row: PredicateCase) { expectOutcome(row) }

    @Test("exists: a missing value fails everything except exists false", arguments: [
        PredicateCase(.exists(true), .null, true),
        PredicateCase(.exists(true), .bool(false), true),
        PredicateCase(.exists(true), nil, false),
        PredicateCase(.exists(false), nil, true),
        PredicateCase(.exists(false), .null, false),
        PredicateCase(.exists(false), .string(""), false),
    ])
    func existence(_ row: PredicateCase) { expectOutcome(row) }

    @Test("length counts characters, elements or keys and checks them with nested predicates", arguments: [
        PredicateCase(.length([.equals(.number(3))]), .string("héé"), true),
        PredicateCase(.length([.equals(.number(1))]), .string("👩‍👩‍👧"), true),
        PredicateCase(.length([.greaterThanOrEqual(.number(1))]), .array([]), false),
        PredicateCase(.length([.greaterThanOrEqual(.number(1)), .lessThan(.number(5))]), array, true),
        PredicateCase(.length([.equals(.number(2))]), object, true),
        PredicateCase(.length([.isIn([.number(0), .number(1)])]), .object([]), true),
        PredicateCase(.length([.equals(.number(1))]), .number(5), false),
        PredicateCase(.length([.equals(.number(0))]), .null, false),
        PredicateCase(.length([.equals(.number(4))]), .bool(true), false),
        PredicateCase(.length([.equals(.number(0))]), nil, false),
    ])
    func length(_ row: PredicateCase) { expectOutcome(row) }

    @Test("type names the JSON kind", arguments: [
        PredicateCase(.type("string"), .string(""), true),
        PredicateCase(.type("number"), .number(0), true),
        PredicateCase(.type("boolean"), .bool(false), true),
        PredicateCase(.type("array"), array, true),
        PredicateCase(.type("object"), object, true),
        PredicateCase(.type("null"), .null, true),
        PredicateCase(.type("string"), .number(1), false),
        PredicateCase(.type("null"), nil, false),
    ])
    func type(_ row: PredicateCase) { expectOutcome(row) }

    private func expectOutcome(_ row: PredicateCase) {
        let outcome = AssertionEvaluator.check(row.predicate, against: row.value)
        if row.holds {
            #expect(outcome == .holds)
        } else if case .fails(let expected, let actual, let reason) = outcome {
            #expect(!expected.isEmpty && !actual.isEmpty && !reason.isEmpty)
        } else {
            Issue.record("expected \(row.testDescription) to fail, but it held")
        }
    }
}

private extension Predicate {
    static func gte(_ operand: JSONValue) -> Predicate { .greaterThanOrEqual(operand) }
}
