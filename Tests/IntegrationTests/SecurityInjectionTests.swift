import CanaryKit
import Foundation
import Testing

/// Issue 25 item 8: a captured value cannot split the request it is used in.
@Suite("security: request splitting from captured values")
struct SecurityInjectionTests {
    @Test("a capture holding CR/LF used in a header or the URL fails its step before anything is sent", arguments: [
        #"headers: {"X-Val": "{{v}}"}"#, #"url: "{{httpbin}}/anything/{{v}}""#,
    ])
    func captureInjection(use: String) async throws {
        let url = use.hasPrefix("url") ? "" : #"url: "{{httpbin}}/anything/second", "#
        let result = try #require(await CanaryHarness().run("""
            {name: "inject", steps: [
              {name: "capture", request: {url: "{{httpbin}}/anything", query: {v: "abc\\r\\nX-Injected: yes\\r\\n\\r\\nGET /smuggled HTTP/1.1"}},
               capture: {v: {json: "$.args.v"}}},
              {name: "use", request: {\(url)\(use)}, expect: {status: 200}},
            ]}
            """))
        let step = result.record.steps[1]
        #expect(step.outcome == .failed && step.errorKind == "invalidRequest", "\(step)")
        let error = step.error ?? ""
        #expect(error.contains("{{v}}") && error.contains("split the request") && !error.contains("X-Injected"), "\(error)")
        #expect(result.exchanges.count == 1, "the second request must not be sent")
    }
}
