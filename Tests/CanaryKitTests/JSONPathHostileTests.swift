import Foundation
import Testing
@testable import CanaryKit

/// Hostile bodies against JSONPath (issue 19 item 4): huge node counts and deep nesting end
/// with a result or a clear failure, in bounded time, without overflowing the stack.
@Suite("JSONPath on hostile bodies")
struct JSONPathHostileTests {
    @Test("filters over a body of 1,000,000 numbers select the right ones within seconds")
    func millionNodes() throws {
        let started = ContinuousClock.now
        let text = "[" + (0..<1_000_000).map(String.init).joined(separator: ",") + "]"
        let body = try JSON5.parseJSON(Array(text.utf8))
        let parsed = ContinuousClock.now
        let last = try JSONPath.parse("$[?@ >= 999998 && @ != 999999]")
        #expect(JSONPathEvaluator.query(last, in: body) == .array([.number(999_998)]))
        let filtered = ContinuousClock.now
        let everywhere = try JSONPath.parse("$..[?@ == 777777 || length(@) == 0]")
        #expect(JSONPathEvaluator.query(everywhere, in: body) == .array([.number(777_777)]))
        let done = ContinuousClock.now
        print("1,000,000 numbers: parse \(parsed - started), filter \(filtered - parsed), descendant filter \(done - filtered)")
        #expect(done - started < .seconds(60))
    }

    @Test("a body nested 100,000 levels deep fails json queries and captures with the reason, not a stack overflow")
    func deepBody() throws {
        let body = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        let (value, problem) = ResponseFacts.parseJSON(body)
        #expect(value == nil)
        var facts = ResponseFacts(status: 200, body: body, bodyJSON: value)
        facts.bodyJSONProblem = problem
        let path = try JSONPath.parse("$..*")
        let failure = AssertionEvaluator.evaluate(Assertion(query: .json(path), predicates: [.exists(true)]), on: facts)
        #expect(failure?.message == "json $..*: expected exists, got nothing (the body is not JSON: arrays nested more than 256 levels deep (line 1, column 257))")
        #expect(throws: CaptureError.self) {
            try CaptureExtractor.extract(Capture(name: "x", source: .json(path)), from: facts)
        }
        // A body that is simply not JSON keeps the short reason: the parser's text would quote it.
        #expect(ResponseFacts.parseJSON(Array("<html>secret</html>".utf8)).problem == nil)
    }
}
