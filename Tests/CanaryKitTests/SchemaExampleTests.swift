import Foundation
import Testing
@testable import CanaryKit

/// The schema must never refuse what the loader takes (an editor's red line on a good file is a
/// false failure): each key's own example, put in a small canary, loads and passes the schema.
@Suite("every key's example loads and passes the JSON Schema")
struct SchemaExampleTests {
    /// Where an object of each shape stands in a canary: `%` is replaced by one `key: example`.
    static let places: [String: String] = {
        let step = #"request: {url: "https://h.test/"}"#
        // With a cookie jar, so `expect.cookies`' example loads.
        func canary(_ inner: String) -> String { #"{variables: {base: "https://h.test", user: "u"}, cookies: true, "# + inner + "}" }
        func expect(_ inner: String) -> String { canary("steps: [{\(step), expect: {\(inner)}}]") }
        return [
            "canary": "{steps: [{\(step)}], %}",
            "step": canary("steps: [{\(step), %}]"),
            "request": canary(#"steps: [{request: {url: "https://h.test/", %}}]"#),
            "defaults": canary("defaults: {%}, steps: [{\(step)}]"),
            "alarm": canary("alarm: {%}, steps: [{\(step)}]"),
            "expect": canary("steps: [{\(step), expect: {%}}]"),
            "timings": expect("timings: {%}"),
            "certificate": expect("certificate: {%}"),
            "visual": expect("visual: {%}"),
            "screenshot": canary("steps: [{\(step), screenshot: {%}}]"),
            "predicate-status": expect("status: {%}"),
            "predicate-number": expect("size: {%}"),
            "predicate-duration": expect("duration: {%}"),
            "predicate-text": expect("body: {%}"),
            "predicate-any": expect(#"json: {"$.a": {%}}"#),
            "tcp": canary(#"steps: [{tcp: {host: "h.test", port: 25, %}}]"#),
            "tls": canary(#"steps: [{tls: {host: "h.test", port: 443, %}}]"#),
            "dns": canary(#"steps: [{dns: {name: "h.test", type: "A", %}}]"#),
            "tcpExpect": canary(#"steps: [{tcp: {host: "h.test", port: 25}, expect: {%}}]"#),
            "tlsExpect": canary(#"steps: [{tls: {host: "h.test", port: 443}, expect: {%}}]"#),
            "dnsExpect": canary(#"steps: [{dns: {name: "h.test", type: "A"}, expect: {%}}]"#),
            "viewport": canary(#"steps: [{browser: {url: "http://h.test/", viewport: {%}}}]"#),
            "scrollAction": canary(#"steps: [{browser: {url: "http://h.test/", actions: [{scroll: {%}}]}}]"#),
            "browserExpect": canary(#"steps: [{browser: {url: "http://h.test/"}, expect: {%}}]"#),
            "browserTimings": canary(#"steps: [{browser: {url: "http://h.test/"}, expect: {timings: {%}}}]"#),
            "vitals": canary(#"steps: [{browser: {url: "http://h.test/"}, expect: {vitals: {%}}}]"#),
        ]
    }()

    static func compiledSchema() throws -> JSONSchema {
        try JSONSchemaCompiler.compile(FileSchema.document, baseURI: "file:///canary.schema.json", label: "canary.schema.json") { _ in nil }
    }

    @Test("each key's example, alone in its object, loads without problems and validates")
    func examplesPass() throws {
        let schema = try Self.compiledSchema()
        let file = ExampleCoverageTests.root.appendingPathComponent("canaries/example.json").path
        var checked = 0
        for shape in Shapes.all {
            // Objects with required keys or rules between keys are checked whole, through the
            // example of the key that holds them (a region, a capture, a maintenance window).
            guard let place = Self.places[shape.name] else {
                #expect(!shape.rules.isEmpty || shape.fields.contains(where: \.required), "'\(shape.name)' has no place in this test")
                continue
            }
            // A key of an exactly-one rule (a step's kind: request, tcp, tls, dns) can't be added
            // beside the one the place has; its own shape has a place of its own.
            let exclusive: [String] = shape.rules.flatMap { rule -> [String] in
                if case .exactlyOne = rule { return rule.keys }
                return []
            }
            for field in shape.fields where !field.required && !exclusive.contains(field.key) {
                let text = place.replacingOccurrences(of: "%", with: "\"\(field.key)\": \(field.example)")
                let (canary, problems) = CanaryLoader.load(source: Array(text.utf8), file: file)
                #expect(canary != nil && problems.isEmpty, "\(shape.name).\(field.key): \(text) → \(problems.map(\.message))")
                let value = try JSON5.parseJSON(Array(text.utf8))
                let result = JSONSchemaValidator.validate(value, against: schema)
                #expect(result.isValid, "\(shape.name).\(field.key): the schema refuses \(text): \(result.violations.map(\.description))")
                checked += 1
            }
        }
        #expect(checked >= 80)
    }

    @Test("forms the loader reads leniently (case, spaces, empty list pieces) pass the schema too", arguments: [
        #"trace: ["none"]"#, #"trace: "w3c,,XRAY""#, #"trace: ",b3,""#, #"trace: ["w3c", "xray,b3"]"#, #"schedule: " RATE(5 minutes) ""#,
    ])
    func lenientForms(_ member: String) throws {
        let text = #"{steps: [{request: {url: "https://h.test/"}}], "# + member + "}"
        let (canary, problems) = CanaryLoader.load(source: Array(text.utf8), file: "canaries/lenient.json")
        #expect(canary != nil, "\(problems.map(\.message))")
        let result = JSONSchemaValidator.validate(try JSON5.parseJSON(Array(text.utf8)), against: try Self.compiledSchema())
        #expect(result.isValid, "the schema refuses \(member): \(result.violations.map(\.description))")
    }
}
