@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

@Suite("Prometheus text rendering")
struct MetricsRenderingTests {
    @Test("one canary renders every family of spec section 4, in order, with HELP and TYPE")
    func wholeDocument() {
        let record = MetricsFixtures.record("checkout", tags: ["env": "prod"], steps: [
            MetricsFixtures.step("login", certificateNotAfter: "2026-12-22T00:00:00.000Z"),
            MetricsFixtures.step("pay", .skipped, status: 0, timings: Timings()),
        ])
        let text = PrometheusText.render([MetricsFixtures.metrics(record, state: "INSUFFICIENT_DATA")])
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples == [
            #"canary_success{canary="checkout",env="prod"} 1"#,
            #"canary_duration_seconds{canary="checkout"} 0.1235"#,
            #"canary_step_duration_seconds{canary="checkout",step="login"} 0.05"#,
            #"canary_step_phase_seconds{canary="checkout",step="login",phase="dns"} 0.001"#,
            #"canary_step_phase_seconds{canary="checkout",step="login",phase="connect"} 0.002"#,
            #"canary_step_phase_seconds{canary="checkout",step="login",phase="tls"} 0.003"#,
            #"canary_step_phase_seconds{canary="checkout",step="login",phase="wait"} 0.034"#,
            #"canary_step_phase_seconds{canary="checkout",step="login",phase="transfer"} 0.004"#,
            #"canary_step_status_code{canary="checkout",step="login"} 200"#,
            #"canary_step_status_code{canary="checkout",step="pay"} 0"#,
            #"canary_runs_total{canary="checkout",result="passed"} 7"#,
            #"canary_runs_total{canary="checkout",result="failed"} 2"#,
            #"canary_last_run_timestamp_seconds{canary="checkout"} 1795357721.123"#,
            #"canary_certificate_expiry_timestamp_seconds{canary="checkout",step="login"} 1797897600"#,
            #"canary_alarm_state{canary="checkout",state="OK"} 0"#,
            #"canary_alarm_state{canary="checkout",state="ALARM"} 0"#,
            #"canary_alarm_state{canary="checkout",state="INSUFFICIENT_DATA"} 1"#,
            #"canary_runner_errors_total{canary="checkout",kind="localResource"} 0"#,
        ])
        #expect(text.contains("# HELP canary_runs_total "))
        #expect(text.contains("# TYPE canary_runs_total counter\n"))
        #expect(text.contains("# TYPE canary_success gauge\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test("each family is one block: canaries sorted by name inside every family")
    func familiesAreContiguous() {
        let text = PrometheusText.render([MetricsFixtures.hostile, MetricsFixtures.plain])
        var seen: [String] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            if seen.last != name {
                #expect(!seen.contains(name), "\(name) appears in two blocks")
                seen.append(name)
            }
        }
        #expect(seen == MetricFamily.allCases.map(\.name))
        let success = text.split(separator: "\n").filter { $0.hasPrefix("canary_success{") }
        #expect(success.map { $0.contains("canary=\"hostile\"") } == [true, false])
    }

    @Test("a skipped step reports status 0 but no duration or phases")
    func skippedStep() {
        let record = MetricsFixtures.record("c", steps: [MetricsFixtures.step("gone", .skipped, status: 0, timings: Timings())])
        let text = PrometheusText.render([MetricsFixtures.metrics(record)])
        #expect(text.contains(#"canary_step_status_code{canary="c",step="gone"} 0"#))
        #expect(!text.contains("canary_step_duration_seconds{"))
        #expect(!text.contains("canary_step_phase_seconds{"))
        // Families without samples are left out entirely, HELP and TYPE included.
        #expect(!text.contains("canary_step_phase_seconds"))
    }

    @Test("a failed step with a transfer error still reports the timings it got")
    func failedStepTimings() {
        let text = PrometheusText.render([MetricsFixtures.hostile])
        #expect(text.contains("canary_step_duration_seconds{canary=\"hostile\",step=\"tab\there\"} 0.05"))
        #expect(text.contains("canary_step_status_code{canary=\"hostile\",step=\"tab\there\"} 0"))
    }

    @Test("alarm state: all three states, 1 only for the current one", arguments: [
        ("OK", [1.0, 0, 0]), ("ALARM", [0, 1, 0]), ("INSUFFICIENT_DATA", [0, 0, 1]), ("bogus", [0, 0, 0]),
    ])
    func alarmState(state: String, expected: [Double]) {
        let metrics = MetricsFixtures.metrics(MetricsFixtures.record("c", steps: []), state: state)
        #expect(MetricFamily.alarmState.samples(of: metrics).map(\.value) == expected)
        #expect(MetricFamily.alarmState.samples(of: metrics).map { $0.labels[1].value } == CanaryMetrics.alarmStates)
    }

    @Test("runs_total always has both results, even at zero")
    func runsTotal() {
        let metrics = MetricsFixtures.metrics(MetricsFixtures.record("c", steps: []), passed: 0, failed: 0)
        let text = PrometheusText.render([metrics])
        #expect(text.contains(#"canary_runs_total{canary="c",result="passed"} 0"#))
        #expect(text.contains(#"canary_runs_total{canary="c",result="failed"} 0"#))
    }

    @Test("an end time that does not parse leaves the last-run sample out; a missing fraction is fine")
    func lastRunTimestamp() {
        let bad = MetricsFixtures.metrics(MetricsFixtures.record("c", end: "yesterday", steps: []))
        #expect(MetricFamily.lastRunTimestamp.samples(of: bad).isEmpty)
        let whole = MetricsFixtures.metrics(MetricsFixtures.record("c", end: "2026-11-22T14:28:41Z", steps: []))
        #expect(MetricFamily.lastRunTimestamp.samples(of: whole).map(\.value) == [1_795_357_721])
    }

    @Test("two canaries with one name: the later one wins, no duplicate series")
    func duplicateNames() {
        let first = MetricsFixtures.metrics(MetricsFixtures.record("c", passed: true, steps: []))
        let second = MetricsFixtures.metrics(MetricsFixtures.record("c", passed: false, steps: []))
        let text = PrometheusText.render([first, second])
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("canary_success{") } == [#"canary_success{canary="c"} 0"#])
    }

    @Test("for the Pushgateway the canary label is left out, tags stay")
    func withoutCanaryLabel() {
        let text = PrometheusText.render([MetricsFixtures.plain], canaryLabel: false)
        #expect(!text.contains("canary=\""))
        #expect(text.contains(#"canary_success{env="prod"} 1"#))
        #expect(text.contains("canary_duration_seconds 0.1235\n"))
        #expect(text.contains(#"canary_step_status_code{step="home"} 200"#))
    }

    @Test("write puts metrics.prom in the folder, with no temp file left behind")
    func write() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PrometheusText.write([MetricsFixtures.plain], to: directory)
        try PrometheusText.write([MetricsFixtures.plain, MetricsFixtures.hostile], to: directory)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["metrics.prom"])
        let text = try String(contentsOfFile: directory + "/metrics.prom", encoding: .utf8)
        #expect(text == PrometheusText.render([MetricsFixtures.plain, MetricsFixtures.hostile]))
    }
}
