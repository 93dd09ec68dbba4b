import Testing
@testable import CanaryKit

/// Issue 25 item 8: no value, wherever it comes from, can add a line to the request head.
@Suite("Request splitting")
struct RequestSplittingTests {
    private func template(_ parts: Template.Part...) -> Template {
        Template(source: "(test)", parts: parts)
    }

    @Test("a CR, LF or NUL from any source is refused, naming the source and never the value", arguments: [
        (Template.Part.variable("v"), "{{v}}"),
        (.env("INJECT"), "{{env.INJECT}}"),
        (.secret("INJECT"), "{{secret.INJECT}}"),
        (.literal("a\r\nX-Injected: yes"), "the canary file's text"),
    ])
    func refused(part: Template.Part, source: String) throws {
        var interpolator = Interpolator(variables: ["v": "abc\r\nX-Injected: yes"], environment: ["INJECT": "x\n\nGET /smuggled"])
        #expect(throws: InterpolationError.self) { try interpolator.renderLine(template(.literal("pre-"), part), field: "header X-Val") }
        do {
            _ = try interpolator.renderLine(template(.literal("pre-"), part), field: "header X-Val")
        } catch {
            let text = error.description
            #expect(text.contains(source) && text.contains("header X-Val") && !text.contains("Injected") && !text.contains("smuggled"), "\(text)")
        }
    }

    @Test("a NUL is refused like a line break; ordinary values pass")
    func nul() throws {
        var interpolator = Interpolator(variables: ["v": "a\u{0}b", "ok": "plain value: with colon"], environment: [:])
        #expect(throws: InterpolationError.self) { try interpolator.renderLine(template(.variable("v")), field: "the URL") }
        #expect(try interpolator.renderLine(template(.variable("ok")), field: "the URL") == "plain value: with colon")
    }

    @Test("the request builder checks the URL, every header value and header names")
    func builder() throws {
        let canary = Canary(name: "c", file: "c.json", steps: [])
        let builder = RequestBuilder(canary: canary, caFile: nil, maxBodyBytes: 1 << 20)
        var interpolator = Interpolator(variables: ["v": "1\r\n\r\nGET /smuggled HTTP/1.1"], environment: [:])
        let inHeader = RequestTemplate(url: .literal("http://127.0.0.1/"), headers: [("X-Val", template(.variable("v")))])
        let inURL = RequestTemplate(url: template(.literal("http://127.0.0.1/"), .variable("v")))
        let inName = RequestTemplate(url: .literal("http://127.0.0.1/"), headers: [("X-A\r\nX-B", .literal("1"))])
        for request in [inHeader, inURL, inName] {
            #expect(throws: InterpolationError.self) { try builder.build(request, with: &interpolator) }
        }
        // A line break in a body or a query value is fine: the body is not part of the head, and
        // query values are percent-encoded.
        let inBody = RequestTemplate(url: .literal("http://127.0.0.1/"), query: [("q", template(.variable("v")))], body: .raw(template(.variable("v"))))
        #expect(try builder.build(inBody, with: &interpolator).url.hasSuffix("q=1%0D%0A%0D%0AGET%20%2Fsmuggled%20HTTP%2F1.1"))
    }
}
