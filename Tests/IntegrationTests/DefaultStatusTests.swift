import CanaryKit
import Foundation
import Testing

/// A step without a `status` expectation still expects the server to have answered well:
/// 2xx or 3xx (blackbox_exporter's default is 2xx). A 500 is never a pass.
@Suite("steps without a status expectation")
struct DefaultStatusTests {
    @Test("request alone, expect {} and only a JSONPath exists:false all fail against /status/500", arguments: [
        "{request: {url: \"{{httpbin}}/status/500\"}}",
        "{request: {url: \"{{httpbin}}/status/500\"}, expect: {}}",
        "{request: {url: \"{{httpbin}}/status/500\"}, expect: {json: {\"$.error\": {exists: false}}}}",
    ])
    func fiveHundredFails(step: String) async throws {
        let result = try #require(await CanaryHarness().runStep(step))
        #expect(!result.record.passed)
        let failure = try #require(result.record.steps.first?.failures.first)
        #expect(failure.message == "status: expected 2xx or 3xx (the default without a status expectation), got 500")
    }

    @Test("200, 204 and a redirect not followed pass; an explicit status: 500 passes on 500", arguments: [
        "{request: {url: \"{{httpbin}}/status/200\"}}",
        "{request: {url: \"{{httpbin}}/status/204\"}}",
        "{request: {url: \"{{httpbin}}/status/500\"}, expect: {status: 500}}",
        "{request: {url: \"{{httpbin}}/status/503\"}, expect: {status: {gte: 500}}}",
    ])
    func passes(step: String) async throws {
        let result = try #require(await CanaryHarness().runStep(step))
        #expect(result.record.passed, "\(result.record.steps.first?.failures ?? [])")
    }

    @Test("validate warns about a step that asserts nothing, and still exits 0")
    func validateWarns() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "bare", steps: [{name: "ping", request: {url: "http://127.0.0.1:1/"}}, {name: "checked", request: {url: "http://127.0.0.1:1/"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/bare.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["validate", folder + "/bare.json"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("warning: step 'ping' of 'bare' asserts nothing"), "\(output.stdout)")
        #expect(!output.stdout.contains("'checked'"))
    }
}
