import Foundation
import Testing
@testable import CanaryKit

/// `expect.xpath` and `capture.xpath` on XML and HTML bodies: values of every XPath result type,
/// broken and hostile bodies ending in clear failures, and libxml2 kept quiet.
@Suite("XPath on XML and HTML bodies")
struct XPathTests {
    static let xml = """
        <?xml version="1.0"?>
        <shop><title>Home</title><li>a</li><li>b</li><li price="3">c</li><form><input name="csrf" value="t0k"/></form></shop>
        """

    static func outcome(_ expression: String, _ body: String, contentType: String? = nil) -> XPathOutcome? {
        XPathEvaluator.evaluate([expression], body: Array(body.utf8), contentType: contentType)[expression]
    }

    @Test("each result type becomes a value: one node its text, several a list, numbers, strings, booleans", arguments: [
        ("//title", JSONValue.string("Home")),
        ("count(//li)", .number(3)),
        ("//li", .array([.string("a"), .string("b"), .string("c")])),
        ("string(//li[@price]/@price)", .string("3")),
        ("//input[@name='csrf']/@value", .string("t0k")),
        ("boolean(//form)", .bool(true)),
        ("sum(//li/@price) * 2", .number(6)),
    ])
    func values(expression: String, expected: JSONValue) {
        #expect(Self.outcome(expression, Self.xml)?.value == expected)
    }

    @Test("a path that selects nothing is missing, with the reason")
    func missing() {
        #expect(Self.outcome("//nav", Self.xml) == XPathOutcome(value: nil, missingReason: "the XPath selected no node"))
    }

    @Test("HTML is read by the forgiving HTML parser: unquoted attributes, unclosed tags")
    func html() {
        let page = "<!DOCTYPE html><html><head><title>Home</title><body><ul><li>one<li>two<li>three</ul><input name=csrf value=abc>"
        #expect(Self.outcome("//title", page)?.value == .string("Home"))
        #expect(Self.outcome("count(//li)", page)?.value == .number(3))
        #expect(Self.outcome("//input[@name='csrf']/@value", page, contentType: "text/html; charset=utf-8")?.value == .string("abc"))
    }

    @Test("a body that is not XML fails with libxml2's reason and its line, and prints nothing", arguments: [
        "<<<>>> not xml &&&", "{\"json\": true}", "<a><b></a>", "",
    ])
    func unreadable(body: String) throws {
        let (result, printed) = try Self.capturingStandardError { Self.outcome("//a", body) }
        let reason = try #require(result?.missingReason)
        #expect(result?.value == nil)
        #expect(reason.hasPrefix(body.isEmpty ? "the body is empty" : "the body is not well-formed XML: "), "\(reason)")
        #expect(printed.isEmpty, "libxml2 printed: \(printed)")
    }

    @Test("billion laughs: entities are never expanded, so it ends at once in bounded memory")
    func billionLaughs() throws {
        var text = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        var previous = "lol"
        for level in 1...9 {
            text += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
            previous = "lol\(level)"
        }
        text += "]><lolz><e>&lol9;</e></lolz>"
        let started = Date()
        let (result, printed) = try Self.capturingStandardError { Self.outcome("string(//e)", text) }
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(printed.isEmpty)
        let length = if case .string(let value)? = result?.value { value.count } else { 0 }
        #expect(length < 1_000, "expanded to \(length) characters: \(result?.missingReason ?? "")")
    }

    @Test("an external entity is never read: the file's content does not appear")
    func externalEntity() throws {
        let scratch = try ScratchDirectory()
        let secret = try scratch.write("secret.txt", "TOP-SECRET-CONTENT")
        let text = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file://\#(secret)">]><r><e>&e;</e></r>"#
        let result = Self.outcome("string(/r)", text)
        #expect(result?.value.map { $0.displayText.contains("TOP-SECRET") } != true, "\(String(describing: result))")
    }

    @Test("100,000 levels of nesting fail (XML) or read (HTML) without a crash")
    func deep() {
        let xml = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect(Self.outcome("count(//a)", xml)?.missingReason.contains("not well-formed XML") == true)
        let html = "<html><body>" + String(repeating: "<div>", count: 100_000) + "x"
        #expect(Self.outcome("count(//body)", html)?.value == .number(1))
    }

    @Test("an invalid XPath is a load problem at its key; a capture takes one too", arguments: [
        (#"expect: {xpath: {"//li[": 1}}"#, "invalid XPath '//li['"),
        (#"capture: {x: {xpath: "//input[@name='csrf'"}}"#, "invalid XPath '//input[@name='csrf''"),
        // libxml2 compiles these and fails only when evaluating them, on any document: refused at
        // load, or every run would fail as if the target had changed.
        (#"expect: {xpath: {"count(": 1}}"#, "invalid XPath 'count('"),
        (#"expect: {xpath: {"lower-case(//title)": "x"}}"#, "invalid XPath 'lower-case(//title)'"),
        (#"expect: {xpath: {"$user": "x"}}"#, "invalid XPath '$user'"),
        (#"expect: {xpath: {"count(1)": 1}}"#, "invalid XPath 'count(1)'"),
    ])
    func invalidExpression(part: String, message: String) {
        let problems = loadProblems(oneStep(#"{request: {url: "{{base}}/"}, \#(part)}"#))
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix(message) == true, "\(problems)")
    }

    @Test("an expect.xpath assertion fails with the expression and the value found")
    func assertionMessage() throws {
        let (canary, problems) = loadCanary(oneStep(#"{request: {url: "{{base}}/"}, expect: {xpath: {"//title": "Shop", "count(//li)": {gte: 3}}}}"#))
        #expect(problems.isEmpty, "\(problems)")
        let assertions = try #require(canary?.steps.first?.assertions)
        var facts = ResponseFacts(status: 200, body: Array(Self.xml.utf8), bodyJSON: nil)
        facts.evaluateXPaths(assertions.compactMap { if case .xpath(let expression) = $0.query { expression } else { nil } })
        let failures = assertions.compactMap { AssertionEvaluator.evaluate($0, on: facts) }
        #expect(failures.map(\.message) == [#"xpath //title: expected "Shop", got "Home""#])
    }

    /// Runs `body` with file descriptor 2 sent to a file, and returns what was written there.
    static func capturingStandardError<T>(_ body: () -> T) throws -> (T, String) {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("stderr", "")
        let saved = dup(2)
        let file = open(path, O_WRONLY)
        dup2(file, 2)
        let result = body()
        dup2(saved, 2)
        close(file)
        close(saved)
        return (result, try String(contentsOfFile: path, encoding: .utf8))
    }
}
