import CurlEngine
import Testing
@testable import CanaryKit

private let facts = ResponseFacts(
    status: 201,
    headers: [
        HTTPHeader(name: "Set-Cookie", value: "theme=dark"),
        HTTPHeader(name: "set-cookie", value: "sid=beef42; Path=/; HttpOnly"),
        HTTPHeader(name: "Location", value: "/orders/17"),
    ],
    body: Array("order 17 created".utf8),
    bodyJSON: .object([
        ("user", .string("ann")), ("id", .number(17)), ("ok", .bool(true)), ("none", .null),
        ("tags", .array([.string("a"), .string("b")])), ("meta", .object([("v", .number(1.5))])),
    ]))

private func path(_ source: String, _ segments: JSONPath.Segment...) -> Capture.Source {
    .json(JSONPath(source: source, segments: segments))
}

@Suite("Captures")
struct EvaluationCaptureTests {
    @Test("captures read json, headers, body and status; non-string JSON as compact JSON text", arguments: [
        (Capture(name: "c", source: path("$.user", .key("user"))), "ann"),
        (Capture(name: "c", source: path("$.id", .key("id"))), "17"),
        (Capture(name: "c", source: path("$.ok", .key("ok"))), "true"),
        (Capture(name: "c", source: path("$.none", .key("none"))), "null"),
        (Capture(name: "c", source: path("$.tags", .key("tags"))), #"["a","b"]"#),
        (Capture(name: "c", source: path("$.meta", .key("meta"))), #"{"v":1.5}"#),
        (Capture(name: "c", source: path("$.tags[*]", .key("tags"), .wildcard)), #"["a","b"]"#),
        (Capture(name: "c", source: .header("location")), "/orders/17"),
        (Capture(name: "c", source: .header("SET-COOKIE")), "theme=dark, sid=beef42; Path=/; HttpOnly"),
        (Capture(name: "c", source: .body), "order 17 created"),
        (Capture(name: "c", source: .status), "201"),
    ])
    func plain(_ capture: Capture, expected: String) throws {
        #expect(try CaptureExtractor.extract(capture, from: facts) == expected)
    }

    @Test("a regex captures its first group, or the whole match when it has none", arguments: [
        (Capture(name: "sid", source: .header("Set-Cookie"), regex: "sid=([^;]+)"), "beef42"),
        (Capture(name: "c", source: .header("Location"), regex: "\\d+"), "17"),
        (Capture(name: "c", source: .body, regex: "order (\\d+) (\\w+)"), "17"),
        (Capture(name: "c", source: .status, regex: "^(\\d)"), "2"),
        (Capture(name: "c", source: path("$.tags", .key("tags")), regex: "\"(b)\""), "b"),
        (Capture(name: "c", source: .body, regex: "order(x)?"), ""),
    ])
    func regex(_ capture: Capture, expected: String) throws {
        #expect(try CaptureExtractor.extract(capture, from: facts) == expected)
    }

    @Test("nothing to capture is an error that says what was missing", arguments: [
        (Capture(name: "sid", source: .header("X-Session")), "capture 'sid': header X-Session is missing"),
        (Capture(name: "token", source: path("$.token", .key("token"))), "capture 'token': json $.token selected no value"),
        (Capture(name: "t", source: path("$.tags[5]", .key("tags"), .index(5))), "capture 't': json $.tags[5] selected no value"),
        (Capture(name: "sid", source: .header("Location"), regex: "sid=([^;]+)"),
         #"capture 'sid': regex /sid=([^;]+)/ did not match header Location "/orders/17""#),
        (Capture(name: "n", source: .body, regex: "total (\\d+)"), #"capture 'n': regex /total (\d+)/ did not match body "order 17 created""#),
    ])
    func missing(_ capture: Capture, message: String) {
        do {
            let value = try CaptureExtractor.extract(capture, from: facts)
            Issue.record("expected no capture, got \(value)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("a json capture from a body that is not JSON says so")
    func notJSON() {
        var html = facts
        html.bodyJSON = nil
        #expect(throws: CaptureError.missing(capture: "u", reason: "json $.user cannot be read: the body is not JSON")) {
            try CaptureExtractor.extract(Capture(name: "u", source: path("$.user", .key("user"))), from: html)
        }
    }

    @Test("an invalid regex is an error, not a crash")
    func invalidRegex() {
        #expect(throws: CaptureError.self) {
            try CaptureExtractor.extract(Capture(name: "x", source: .body, regex: "(unclosed"), from: facts)
        }
    }
}
