@testable import CanaryKit
import CurlEngine
import Foundation
import FoundationXML
import Testing

@Suite("JUnit report")
struct JUnitReportTests {
    static let assertionFailures = [
        AssertionFailure(assertion: "status", expected: "200", actual: "503", message: "status: expected 200, got 503"),
        AssertionFailure(assertion: "json $.ok", expected: "== true", actual: "false", message: "json $.ok: expected == true, got false"),
    ]

    /// A passing canary, and a failing one with every kind of testcase and hostile server text.
    static let records = [
        MetricsFixtures.record("home", tags: ["env": "prod"], steps: [MetricsFixtures.step("index")]),
        MetricsFixtures.record("checkout", passed: false, durationMs: 1500, steps: [
            MetricsFixtures.step("login", timings: Timings(total: 250)),
            MetricsFixtures.step("pay", .failed, status: 503, failures: assertionFailures),
            MetricsFixtures.step("confirm", .failed, status: 0, error: "bad \u{1}byte <&> \"q\" ]]> \u{FFFE}\r\nend", errorKind: "malformedResponse"),
            MetricsFixtures.step("receipt", .skipped, status: 0, timings: Timings()),
        ]),
        MetricsFixtures.record("boot", passed: false, error: "interpolation: {{missing}} is not defined", steps: []),
    ]

    func parse(_ text: String) throws -> XMLElement {
        let document = try XMLDocument(data: Data(text.utf8), options: [])
        guard let root = document.rootElement() else { throw CocoaError(.fileReadCorruptFile) }
        return root
    }

    func int(_ element: XMLElement, _ name: String) -> Int? {
        element.attribute(forName: name)?.stringValue.flatMap { Int($0) }
    }

    func children(_ element: XMLElement, _ name: String) -> [XMLElement] {
        element.elements(forName: name)
    }

    @Test("the document follows the common JUnit schema: testsuites > testsuite > testcase, counts add up")
    func schema() throws {
        let root = try parse(JUnitReport.render(Self.records))
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "name")?.stringValue == "canary")
        let suites = children(root, "testsuite")
        #expect(suites.count == 3)
        for suite in suites {
            for attribute in ["name", "tests", "failures", "errors", "skipped", "time", "timestamp"] {
                #expect(suite.attribute(forName: attribute) != nil, "testsuite lacks \(attribute)")
            }
            let cases = children(suite, "testcase")
            #expect(int(suite, "tests") == cases.count)
            #expect(int(suite, "failures") == cases.filter { !children($0, "failure").isEmpty }.count)
            #expect(int(suite, "errors") == cases.filter { !children($0, "error").isEmpty }.count)
            #expect(int(suite, "skipped") == cases.filter { !children($0, "skipped").isEmpty }.count)
            for testcase in cases {
                #expect(testcase.attribute(forName: "classname")?.stringValue == suite.attribute(forName: "name")?.stringValue)
                #expect(testcase.attribute(forName: "name") != nil && testcase.attribute(forName: "time") != nil)
                let problems = ["failure", "error", "skipped"].flatMap { children(testcase, $0) }
                #expect(problems.count <= 1, "a testcase holds at most one failure, error or skipped")
                for problem in problems where problem.name != "skipped" {
                    #expect(problem.attribute(forName: "message") != nil)
                    #expect(problem.attribute(forName: "type") != nil)
                }
            }
            let timestamp = suite.attribute(forName: "timestamp")?.stringValue ?? ""
            #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/) != nil)
        }
        for attribute in ["tests", "failures", "errors"] {
            #expect(int(root, attribute) == suites.compactMap { int($0, attribute) }.reduce(0, +))
        }
        #expect(root.attribute(forName: "time")?.stringValue == "1.747")
    }

    @Test("steps map to testcases: passed, failed assertions, transfer errors, skipped")
    func testcases() throws {
        let root = try parse(JUnitReport.render(Self.records))
        let checkout = children(root, "testsuite")[1]
        #expect(checkout.attribute(forName: "time")?.stringValue == "1.500")
        #expect(checkout.attribute(forName: "timestamp")?.stringValue == "2026-11-22T14:28:41")
        let cases = children(checkout, "testcase")
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["login", "pay", "confirm", "receipt"])
        #expect(cases[0].attribute(forName: "time")?.stringValue == "0.250")
        #expect(["failure", "error", "skipped"].allSatisfy { children(cases[0], $0).isEmpty })

        let failure = try #require(children(cases[1], "failure").first)
        #expect(failure.attribute(forName: "type")?.stringValue == "assertion")
        #expect(failure.attribute(forName: "message")?.stringValue == "status: expected 200, got 503 (and 1 more)")
        let text = failure.stringValue ?? ""
        #expect(text.contains("expected: 200") && text.contains("actual:   503"))
        #expect(text.contains("expected: == true") && text.contains("actual:   false"))

        let error = try #require(children(cases[2], "error").first)
        #expect(error.attribute(forName: "type")?.stringValue == "malformedResponse")
        #expect(children(cases[3], "skipped").count == 1)
        #expect(cases[3].attribute(forName: "time")?.stringValue == "0.000")
    }

    @Test("hostile server text survives the round trip, minus the characters XML 1.0 forbids")
    func hostileText() throws {
        let root = try parse(JUnitReport.render(Self.records))
        let error = try #require(children(children(children(root, "testsuite")[1], "testcase")[2], "error").first)
        let expected = "bad byte <&> \"q\" ]]> \r\nend"
        #expect(error.attribute(forName: "message")?.stringValue == expected)
        #expect(error.stringValue == expected)
    }

    @Test("a failed run without a failed step gets a (run) testcase carrying the error")
    func runLevelError() throws {
        let root = try parse(JUnitReport.render(Self.records))
        let boot = children(root, "testsuite")[0]
        #expect(int(boot, "tests") == 1 && int(boot, "errors") == 1)
        let testcase = try #require(children(boot, "testcase").first)
        #expect(testcase.attribute(forName: "name")?.stringValue == "(run)")
        let error = try #require(children(testcase, "error").first)
        #expect(error.attribute(forName: "message")?.stringValue == "interpolation: {{missing}} is not defined")
    }

    @Test("tags and run details are suite properties")
    func properties() throws {
        let root = try parse(JUnitReport.render(Self.records))
        let properties = children(children(children(root, "testsuite")[2], "properties")[0], "property")
        let pairs = properties.map { "\($0.attribute(forName: "name")?.stringValue ?? "")=\($0.attribute(forName: "value")?.stringValue ?? "")" }
        #expect(pairs == ["runId=20261122T142841Z-3f9a", "attempt=1", "file=canaries/home.json", "tag.env=prod"])
    }

    @Test("suites come in canary-name order whatever order the runs ended in; the total time is the wall time given")
    func nameOrderAndWallTime() throws {
        let root = try parse(JUnitReport.render(Self.records.reversed(), wallTimeMs: 1200))
        #expect(children(root, "testsuite").map { $0.attribute(forName: "name")?.stringValue } == ["boot", "checkout", "home"])
        #expect(root.attribute(forName: "time")?.stringValue == "1.200")
    }

    @Test("no records is still a valid, empty report")
    func empty() throws {
        let root = try parse(JUnitReport.render([]))
        #expect(int(root, "tests") == 0 && children(root, "testsuite").isEmpty)
    }

    @Test("XML escaping drops forbidden characters", arguments: [
        ("a<b>&c", "a&lt;b&gt;&amp;c", "a&lt;b&gt;&amp;c"),
        ("\"q\" 'a'", "&quot;q&quot; &apos;a&apos;", "\"q\" 'a'"),
        ("nul\u{0}bell\u{7}esc\u{1B}", "nulbellesc", "nulbellesc"),
        ("t\tn\nr\r", "t&#9;n&#10;r&#13;", "t\tn\nr&#13;"),
        ("\u{FFFE}\u{FFFF}ok 🐤", "ok 🐤", "ok 🐤"),
    ])
    func escaping(input: String, attribute: String, content: String) {
        #expect(XMLText.attribute(input) == attribute)
        #expect(XMLText.content(input) == content)
    }

    @Test("write replaces the file atomically")
    func write() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JUnitReport.write(Self.records, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == JUnitReport.render(Self.records))
    }
}
