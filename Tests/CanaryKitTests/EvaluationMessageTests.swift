import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

private let now = Date(timeIntervalSince1970: 1_700_000_000)
private let day = 86_400.0

private let facts = ResponseFacts(
    status: 503,
    headers: [
        HTTPHeader(name: "Content-Type", value: "text/html"),
        HTTPHeader(name: "set-cookie", value: "a=1"),
        HTTPHeader(name: "Set-Cookie", value: "sid=beef; Path=/"),
    ],
    body: Array(#"{"items": [], "count": "abc", "user": {"name": "ann"}}"#.utf8),
    bodyJSON: .object([
        ("items", .array([])), ("count", .string("abc")), ("user", .object([("name", .string("ann"))])),
    ]),
    durationMs: 1234, timings: Timings(dns: 0.42, connect: 61.5, firstByte: 300, total: 1234),
    redirects: 3, certificateNotAfter: now.addingTimeInterval(9.5 * day), now: now)

/// One row: a query, its predicates, and the exact message (nil: the assertion holds).
struct MessageCase: Sendable, CustomTestStringConvertible {
    var query: Query
    var predicates: [CanaryKit.Predicate]
    var message: String?
    init(_ query: Query, _ predicates: [CanaryKit.Predicate], _ message: String?) {
        self.query = query
        self.predicates = predicates
        self.message = message
    }
    var testDescription: String { message ?? "\(query.label) holds" }
}

private func json(_ source: String, _ segments: JSONPath.Segment...) -> Query {
    .json(JSONPath(source: source, segments: segments))
}

@Suite("Assertion failure messages")
struct EvaluationMessageTests {
    /// Foundation also has a `Predicate`; the explicit array types keep type checking fast.
    static let messages: [MessageCase] = [
        MessageCase(.status, [.equals(.number(200))], "status: expected 200, got 503"),
        MessageCase(.status, [.equals(.number(503.0))], nil),
        MessageCase(.status, [.isIn([.number(200), .number(201)])], "status: expected one of [200, 201], got 503"),
        MessageCase(.status, [.greaterThanOrEqual(.number(200)), .lessThan(.number(300))], "status: expected < 300, got 503"),
        MessageCase(.status, [.notEquals(.number(503))], "status: expected not 503, got 503"),
        MessageCase(.status, [.equals(.string("503"))], #"status: expected "503", got number 503"#),
        MessageCase(.header("content-type"), [.contains(.string("json"))], #"header content-type: expected contains "json", got "text/html""#),
        MessageCase(.header("SET-COOKIE"), [.equals(.string("a=1, sid=beef; Path=/"))], nil),
        MessageCase(.header("X-Request-Id"), [.exists(true)], "header X-Request-Id: expected exists, got nothing (no such header in the response)"),
        MessageCase(.header("X-Debug"), [.exists(false)], nil),
        MessageCase(.header("Content-Type"), [.exists(false)], #"header Content-Type: expected absent, got "text/html""#),
        MessageCase(.body, [.contains(.string("ok"))],
                    #"body: expected contains "ok", got "{\"items\": [], \"count\": \"abc\", \"user\": {\"name\": \"ann\"}}""#),
        MessageCase(.body, [.matches("\"items\": \\[\\]")], nil),
        MessageCase(.body, [.matches("^ok")], #"body: expected matches /^ok/, got "{\"items\": [], \"count\": \"abc\", \"user\": {\"name\": \"ann\"}}""#),
        MessageCase(json("$.items", .key("items")), [.length([.greaterThanOrEqual(.number(1))])], "json $.items: expected length >= 1, got length 0"),
        MessageCase(json("$.missing", .key("missing")), [.exists(true)], "json $.missing: expected exists, got nothing (path selected no value)"),
        MessageCase(json("$.missing", .key("missing")), [.equals(.number(1))], "json $.missing: expected 1, got nothing (path selected no value)"),
        MessageCase(json("$.count", .key("count")), [.lessThan(.number(300))], #"json $.count: expected a number to compare with < 300, got string "abc""#),
        MessageCase(json("$.user", .key("user")), [.greaterThan(.string("a"))], #"json $.user: expected a string to compare with > "a", got object {"name": "ann"}"#),
        MessageCase(json("$.user.name", .key("user"), .key("name")), [.type("number")], #"json $.user.name: expected type number, got string "ann""#),
        MessageCase(json("$.user", .key("user")), [.contains(.number(1))],
                    #"json $.user: expected contains 1, got object {"name": "ann"}; only a string can be looked for in the keys of an object"#),
        MessageCase(json("$.items", .key("items")), [.lessThan(.bool(true))], "json $.items: cannot compare with < true: only numbers and strings are ordered"),
        MessageCase(json("$..name", .descendant("name")), [.equals(.array([.string("ann")]))], nil),
        MessageCase(json("$.user.name", .key("user"), .key("name")), [.length([.equals(.number(1))])], "json $.user.name: expected length 1, got length 3"),
        MessageCase(json("$.items", .key("items")), [.length([.equals(.number(0))]), .type("object")], "json $.items: expected type object, got array []"),
        MessageCase(.status, [.length([.equals(.number(3))])], "status: expected a string, array or object to check length 3, got number 503"),
        MessageCase(.status, [.matches("^2")], "status: expected a string to check matches /^2/, got number 503"),
        MessageCase(.status, [.contains(.number(5))], "status: expected a string, array or object to check contains 5, got number 503"),
        MessageCase(.header("Content-Type"), [.notContains(.string("html"))], #"header Content-Type: expected not contains "html", got "text/html""#),
        MessageCase(.size, [.lessThan(.number(10))], "size: expected < 10, got 54"),
        MessageCase(.redirects, [.lessThanOrEqual(.number(2))], "redirects: expected <= 2, got 3"),
    ]

    @Test("messages read like a test runner: label, expected, got", arguments: messages)
    func message(_ row: MessageCase) {
        let failure = AssertionEvaluator.evaluate(Assertion(query: row.query, predicates: row.predicates), on: facts)
        #expect(failure?.message == row.message)
    }

    static let durationMessages: [MessageCase] = [
        MessageCase(.duration, [.lessThan(.string("800ms"))], "duration: expected < 800ms, got 1234ms"),
        MessageCase(.duration, [.lessThan(.number(800))], "duration: expected < 800ms, got 1234ms"),
        MessageCase(.duration, [.lessThan(.string("2s"))], nil),
        MessageCase(.duration, [.lessThan(.string("1.5s"))], nil),
        MessageCase(.timing(.connect), [.lessThan(.string("50ms"))], "timings.connect: expected < 50ms, got 61.5ms"),
        MessageCase(.timing(.dns), [.greaterThan(.number(1))], "timings.dns: expected > 1ms, got 0.42ms"),
        MessageCase(.timing(.firstByte), [.isIn([.string("300ms"), .string("1s")])], nil),
        MessageCase(.duration, [.lessThan(.string("fast"))], #"duration: expected a string to compare with < "fast", got number 1234ms"#),
    ]

    @Test("durations read in ms whether the file said \"800ms\" or 800", arguments: durationMessages)
    func durations(_ row: MessageCase) {
        let failure = AssertionEvaluator.evaluate(Assertion(query: row.query, predicates: row.predicates), on: facts)
        #expect(failure?.message == row.message)
    }

    @Test("an invalid regular expression fails the assertion with the reason instead of crashing")
    func invalidRegex() throws {
        let failure = try #require(AssertionEvaluator.evaluate(Assertion(query: .body, predicates: [.matches("(")]), on: facts))
        #expect(failure.message.hasPrefix("body: the regular expression /(/ is not valid: "))
        #expect(failure.expected == "matches /(/")
    }

    @Test("facts from an engine response carry its status, headers, timings and certificate")
    func fromResponse() {
        let response = HTTPResponse(
            statusCode: 204, httpVersion: "HTTP/2", reason: "", headers: [HTTPHeader(name: "A", value: "1")], body: [],
            redirectCount: 1, effectiveURL: "https://x/", primaryIP: "127.0.0.1", newConnections: 1,
            timings: Timings(total: 12.5),
            certificate: CertificateInfo(subject: "CN=x", issuer: "CN=ca", notBefore: nil, notAfter: now),
            requestHeaderBlock: "")
        let fromEngine = ResponseFacts(response: response, bodyJSON: nil, now: now)
        #expect(fromEngine.status == 204 && fromEngine.durationMs == 12.5 && fromEngine.redirects == 1)
        #expect(fromEngine.headerValue("a") == "1" && fromEngine.certificateNotAfter == now)
    }

    @Test("certificate lifetimes read in days; no certificate says why")
    func certificate() {
        let expiresIn = Assertion(query: .certificate(.expiresIn), predicates: [.greaterThan(.string("14d"))])
        let failure = AssertionEvaluator.evaluate(expiresIn, on: facts)
        #expect(failure == AssertionFailure(
            assertion: "certificate.expiresIn", expected: "> 14d", actual: "9.5d",
            message: "certificate.expiresIn: expected > 14d, got 9.5d"))
        #expect(AssertionEvaluator.evaluate(Assertion(query: .certificate(.expiresIn), predicates: [.greaterThan(.string("7d"))]), on: facts) == nil)

        var plainHTTP = facts
        plainHTTP.certificateNotAfter = nil
        #expect(AssertionEvaluator.evaluate(expiresIn, on: plainHTTP)?.message
            == "certificate.expiresIn: expected > 14d, got nothing (no certificate was received: plain http, or a reused connection)")
    }

    @Test("a failure records the first failing predicate's expected and actual")
    func recordedFields() {
        let assertion = Assertion(query: json("$.items", .key("items")), predicates: [.exists(true), .length([.greaterThanOrEqual(.number(1))])])
        #expect(AssertionEvaluator.evaluate(assertion, on: facts) == AssertionFailure(
            assertion: "json $.items", expected: "length >= 1", actual: "0",
            message: "json $.items: expected length >= 1, got length 0"))
    }

    @Test("json queries on a body that is not JSON say so")
    func notJSON() {
        var html = facts
        html.bodyJSON = nil
        let exists = Assertion(query: json("$.items", .key("items")), predicates: [.exists(true)])
        #expect(AssertionEvaluator.evaluate(exists, on: html)?.message == "json $.items: expected exists, got nothing (the body is not JSON)")
        #expect(AssertionEvaluator.evaluate(Assertion(query: exists.query, predicates: [.exists(false)]), on: html) == nil)
    }

    @Test("long actual values are truncated at 200 characters, with the full length noted")
    func truncation() {
        var big = facts
        big.body = Array(String(repeating: "x", count: 1000).utf8)
        let failure = AssertionEvaluator.evaluate(Assertion(query: .body, predicates: [.contains(.string("ok"))]), on: big)
        #expect(failure?.actual == "\"" + String(repeating: "x", count: 199) + "… (1002 characters in all)")
    }

    @Test("invalid UTF-8 in a body is read lossily, not a failure to read")
    func lossyBody() {
        var broken = facts
        broken.body = [0x6F, 0x6B, 0xFF]
        #expect(AssertionEvaluator.evaluate(Assertion(query: .body, predicates: [.contains(.string("ok"))]), on: broken) == nil)
        #expect(AssertionEvaluator.evaluate(Assertion(query: .body, predicates: [.equals(.string("ok\u{FFFD}"))]), on: broken) == nil)
    }

    @Test("every phase timing is readable by name", arguments: Query.Phase.allCases)
    func phases(_ phase: Query.Phase) {
        let timings = Timings(dns: 1, connect: 2, tls: 3, firstByte: 4, transfer: 5, total: 6)
        let expected = [Query.Phase.dns: 1.0, .connect: 2, .tls: 3, .firstByte: 4, .transfer: 5, .total: 6][phase]
        #expect(timings.milliseconds(of: phase) == expected)
    }
}
