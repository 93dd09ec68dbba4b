import Foundation
import Testing
@testable import CanaryKit

/// The RFC 9535 JSONPath Compliance Test Suite (Tests/JSONPathCompliance/cts.json, BSD-2),
/// run through the same parser and evaluator as `expect.json` and `capture.json`.
@Suite("JSONPath compliance suite")
struct JSONPathComplianceTests {
    struct Case {
        var name: String
        var selector: String
        var document: JSONValue?
        /// Every acceptable result: one list, or several when member order is unspecified.
        var results: [[JSONValue]]
        var invalid: Bool
    }

    static func cases() throws -> [Case] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let suite = try JSON5.parseJSON(Data(contentsOf: root.appendingPathComponent("JSONPathCompliance/cts.json")))
        guard case .array(let tests)? = suite["tests"] else { return [] }
        return tests.map { test in
            var results: [[JSONValue]] = []
            if case .array(let one)? = test["result"] { results = [one] }
            if case .array(let several)? = test["results"] {
                results = several.compactMap { if case .array(let list) = $0 { list } else { nil } }
            }
            var name = "", selector = ""
            if case .string(let text)? = test["name"] { name = text }
            if case .string(let text)? = test["selector"] { selector = text }
            return Case(name: name, selector: selector, document: test["document"], results: results,
                        invalid: test["invalid_selector"] == .bool(true))
        }
    }

    /// Why a case fails, or nil when it passes.
    static func problem(_ test: Case) -> String? {
        let path: JSONPath
        do {
            path = try JSONPath.parse(test.selector)
        } catch {
            return test.invalid ? nil : "refused a valid selector: \(error)"
        }
        if test.invalid { return "accepted an invalid selector" }
        guard let document = test.document else { return "no document" }
        let selected = JSONPathEvaluator.select(path, in: document)
        if test.results.contains(where: { JSONPathRun.equal(.array($0), .array(selected)) }) { return nil }
        return "selected \(JSONValue.array(selected).compactJSONText)"
    }

    @Test("all 703 tests pass: valid selectors select the listed nodes in order, invalid ones are refused")
    func wholeSuite() throws {
        let cases = try Self.cases()
        let failures = cases.compactMap { test in Self.problem(test).map { "\(test.name) [\(test.selector)]: \($0)" } }
        print("JSONPath compliance suite: \(cases.count - failures.count) of \(cases.count) pass")
        #expect(cases.count == 703)
        #expect(failures.isEmpty, "\(failures.count) failing:\n\(failures.prefix(60).joined(separator: "\n"))")
    }
}
