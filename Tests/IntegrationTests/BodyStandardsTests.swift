import CanaryKit
import Foundation
import Testing

/// XPath and JSON Schema assertions against httpbin's real XML, HTML and JSON pages.
@Suite("XPath and JSON Schema against httpbin")
struct BodyStandardsTests {
    @Test("expect.xpath and capture.xpath read httpbin's /xml and /html", arguments: [
        SpecCase(#"{request: {url: "{{httpbin}}/xml"}, expect: {xpath: {"/slideshow/@title": "Sample Slide Show", "count(//slide)": 2, "//slide[2]/title": "Overview", "count(//item)": {gte: 3}}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/xml"}, expect: {xpath: {"//slide[1]/title": "Overview"}}}"#, #"xpath //slide[1]/title: expected "Overview", got "Wake up to WonderWidgets!""#),
        SpecCase(#"{request: {url: "{{httpbin}}/html"}, expect: {xpath: {"//h1": {contains: "Moby-Dick"}, "count(//p)": {gte: 1}, "boolean(//title)": false}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/html"}, expect: {xpath: {"//nav": {exists: true}}}}"#, "xpath //nav: expected exists, got nothing (the XPath selected no node)"),
        SpecCase(#"{request: {url: "{{httpbin}}/robots.txt"}, expect: {xpath: {"//a": {exists: true}}}}"#, "xpath //a: expected exists, got nothing (the body is not well-formed XML: Start tag expected, '<' not found (line 1))"),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {jsonSchema: {required: ["slideshow"], properties: {slideshow: {required: ["slides"], properties: {slides: {minItems: 3}}}}}}}"#, "jsonSchema: /slideshow/slides: the array has 2 items, fewer than minItems 3 (schema /properties/slideshow/properties/slides/minItems)"),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {jsonSchema: {properties: {slideshow: {properties: {author: {type: "string", minLength: 3}}}}}}}"#, nil),
    ])
    func onHTTPBin(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "transfer failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message)
    }

    @Test("a captured XPath value feeds the next step")
    func capture() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "t", steps: [
              {request: {url: "{{httpbin}}/xml"}, capture: {title: {xpath: "string(/slideshow/@title)"}, slides: {xpath: "count(//slide)"}}},
              {request: {url: "{{httpbin}}/anything?t={{title}}&n={{slides}}"}, expect: {json: {"$.args.t": "Sample Slide Show", "$.args.n": "2"}}},
            ]}
            """))
        #expect(result.record.steps.map(\.failures) == [[], []], "\(result.record.steps.map(\.failures))")
    }

    @Test("libxml2 prints nothing to the console when a body is not XML")
    func quietConsole() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("canary-xpath-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "quiet", steps: [{request: {url: "{{httpbin}}/robots.txt"}, expect: {xpath: {"//a": 1}}}]}"#
            .write(toFile: folder + "/quiet.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/quiet.json", "--results", folder + "/r"] + TestServers.varArguments("httpbin"))
        #expect(output.status == 1)
        #expect(output.stdout.contains("not well-formed XML"), "\(output.stdout)")
        #expect(!(output.stdout + output.stderr).contains("parser error"), "\(output.stderr)")
    }
}
