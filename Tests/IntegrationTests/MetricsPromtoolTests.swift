@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// The rendered text must pass `promtool check metrics` (spec section 4), hostile input included.
@Suite("Metrics against promtool")
struct MetricsPromtoolTests {
    /// promtool's exit status and what it said; it exits 3 on lint problems, 1 on parse errors.
    func check(_ text: String) async throws -> (status: Int32, output: String) {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/metrics.prom"
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        return try await promtoolCheck(input)
    }

    static let cases: [(String, [CanaryMetrics])] = [
        ("plain", [MetricsSamples.passing]),
        ("hostile labels and tags", [MetricsSamples.hostile]),
        ("several canaries", [MetricsSamples.hostile, MetricsSamples.passing, MetricsSamples.failing]),
        ("nothing", []),
    ]

    @Test("promtool check metrics accepts the rendered text", arguments: cases)
    func promtoolAccepts(name: String, canaries: [CanaryMetrics]) async throws {
        let result = try await check(PrometheusText.render(canaries))
        #expect(result.status == 0, "\(name): promtool said: \(result.output)")
    }

    @Test("promtool accepts the Pushgateway body too (no canary label)")
    func promtoolAcceptsPushBody() async throws {
        let result = try await check(PrometheusText.render([MetricsSamples.hostile], omitting: ["canary"]))
        #expect(result.status == 0, "promtool said: \(result.output)")
    }

    @Test("promtool accepts the metrics of real runs against nginx over TLS and httpbin")
    func realRuns() async throws {
        let harness = CanaryHarness()
        let tls = try #require(await harness.run(#"{name: "tls-home", tags: {env: "test", "team-name": "web"}, steps: [{name: "hello", request: {url: "{{tls}}/hello.txt"}, expect: {status: 200}}]}"#))
        let broken = try #require(await harness.run(#"{name: "broken", steps: [{name: "status", request: {url: "{{httpbin}}/status/503"}, expect: {status: 200}}, {name: "after", request: {url: "{{httpbin}}/get"}}]}"#))
        let metrics = [tls, broken].map { CanaryMetrics(last: $0.record, runsPassed: 1, runsFailed: 0, alarmState: "OK") }
        let text = PrometheusText.render(metrics)
        #expect(text.contains(#"canary_certificate_expiry_timestamp_seconds{canary="tls-home",env="test",team_name="web",step="hello"} "#))
        // The skipped step keeps its series with NaN, which promtool accepts.
        #expect(text.contains(#"canary_step_duration_seconds{canary="broken",step="after"} NaN"#))
        #expect(text.contains(#"canary_step_status_code{canary="broken",step="status"} 503"#))
        #expect(text.contains(#"canary_success{canary="tls-home",env="test",team_name="web"} 1"#))
        let result = try await check(text)
        #expect(result.status == 0, "promtool said: \(result.output)\n\(text)")
    }

    @Test("a metrics.prom written by write(_:to:) passes promtool")
    func writtenFile() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PrometheusText.write([MetricsSamples.hostile, MetricsSamples.passing], to: directory)
        let text = try String(contentsOfFile: directory + "/metrics.prom", encoding: .utf8)
        #expect(try await check(text).status == 0)
    }
}
