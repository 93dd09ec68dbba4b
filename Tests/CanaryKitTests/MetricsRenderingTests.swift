@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

@Suite("Prometheus text rendering")
struct MetricsRenderingTests {
    @Test("one canary renders every family of spec section 4, in order, with HELP and TYPE")
    func wholeDocument() {
        let record = MetricsFixtures.record("checkout", tags: ["env": "prod"], steps: [
            MetricsFixtures.step("login", certificateNotAfter: "2026-12-22T00:00:00.000Z", tls: MetricsFixtures.tls),
            MetricsFixtures.step("pay", .skipped, status: 0, timings: Timings()),
        ])
        let text = PrometheusText.render([MetricsFixtures.metrics(record, state: "INSUFFICIENT_DATA")])
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        // The tags (env) on every family, not only canary_success; the skipped step (pay) keeps
        // its duration and phase series, NaN.
        #expect(samples == [
            #"canary_success{canary="checkout",env="prod"} 1"#,
            #"canary_degraded{canary="checkout",env="prod"} 0"#,
            #"canary_duration_seconds{canary="checkout",env="prod"} 0.1235"#,
            #"canary_step_duration_seconds{canary="checkout",env="prod",step="login"} 0.05"#,
            #"canary_step_duration_seconds{canary="checkout",env="prod",step="pay"} NaN"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="login",phase="dns"} 0.001"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="login",phase="connect"} 0.002"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="login",phase="tls"} 0.003"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="login",phase="wait"} 0.034"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="login",phase="transfer"} 0.004"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="pay",phase="dns"} NaN"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="pay",phase="connect"} NaN"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="pay",phase="tls"} NaN"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="pay",phase="wait"} NaN"#,
            #"canary_step_phase_seconds{canary="checkout",env="prod",step="pay",phase="transfer"} NaN"#,
            #"canary_step_status_code{canary="checkout",env="prod",step="login"} 200"#,
            #"canary_step_status_code{canary="checkout",env="prod",step="pay"} 0"#,
            #"canary_runs_total{canary="checkout",env="prod",result="passed"} 7"#,
            #"canary_runs_total{canary="checkout",env="prod",result="failed"} 2"#,
            #"canary_flaky_runs_total{canary="checkout",env="prod"} 0"#,
            #"canary_last_run_timestamp_seconds{canary="checkout",env="prod"} 1795357721.123"#,
            #"canary_certificate_expiry_timestamp_seconds{canary="checkout",env="prod",step="login"} 1797897600"#,
            #"canary_certificate_not_before_timestamp_seconds{canary="checkout",env="prod",step="login"} 1795305600"#,
            #"canary_certificate_chain_expiry_timestamp_seconds{canary="checkout",env="prod",step="login"} 1796860800"#,
            #"canary_alarm_state{canary="checkout",env="prod",state="OK"} 0"#,
            #"canary_alarm_state{canary="checkout",env="prod",state="ALARM"} 0"#,
            #"canary_alarm_state{canary="checkout",env="prod",state="INSUFFICIENT_DATA"} 1"#,
            #"canary_in_maintenance{canary="checkout",env="prod"} 0"#,
            #"canary_runner_errors_total{canary="checkout",env="prod",kind="localResource"} 0"#,
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
        // The browser families have samples only for canaries with browser steps (none here).
        #expect(seen == MetricFamily.allCases.map(\.name).filter { !$0.hasPrefix("canary_browser_") })
        let success = text.split(separator: "\n").filter { $0.hasPrefix("canary_success{") }
        #expect(success.map { $0.contains("canary=\"hostile\"") } == [true, false])
    }

    @Test("a skipped step keeps its series: status 0, duration and phases NaN")
    func skippedStep() {
        let record = MetricsFixtures.record("c", steps: [MetricsFixtures.step("gone", .skipped, status: 0, timings: Timings())])
        let text = PrometheusText.render([MetricsFixtures.metrics(record)])
        #expect(text.contains(#"canary_step_status_code{canary="c",step="gone"} 0"#))
        #expect(text.contains(#"canary_step_duration_seconds{canary="c",step="gone"} NaN"#))
        #expect(text.contains(#"canary_step_phase_seconds{canary="c",step="gone",phase="wait"} NaN"#))
    }

    @Test("a canary that has not run has its alarm state (INSUFFICIENT_DATA) and zero run counters, with its tags, and nothing else")
    func neverRun() {
        let metrics = CanaryMetrics(canary: "new", tags: ["location": "eu-west-1"], last: nil, runsPassed: 0, runsFailed: 0, alarmState: "INSUFFICIENT_DATA")
        let samples = PrometheusText.render([metrics]).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples == [
            #"canary_runs_total{canary="new",location="eu-west-1",result="passed"} 0"#,
            #"canary_runs_total{canary="new",location="eu-west-1",result="failed"} 0"#,
            #"canary_flaky_runs_total{canary="new",location="eu-west-1"} 0"#,
            #"canary_alarm_state{canary="new",location="eu-west-1",state="OK"} 0"#,
            #"canary_alarm_state{canary="new",location="eu-west-1",state="ALARM"} 0"#,
            #"canary_alarm_state{canary="new",location="eu-west-1",state="INSUFFICIENT_DATA"} 1"#,
            #"canary_in_maintenance{canary="new",location="eu-west-1"} 0"#,
            #"canary_runner_errors_total{canary="new",location="eu-west-1",kind="localResource"} 0"#,
        ])
    }

    @Test("a failed step with a transfer error still reports the timings it got")
    func failedStepTimings() {
        let text = PrometheusText.render([MetricsFixtures.hostile])
        let lines = text.split(separator: "\n")
        // The tags come between canary and step: match the two ends.
        #expect(lines.contains { $0.hasPrefix("canary_step_duration_seconds{canary=\"hostile\",") && $0.hasSuffix(",step=\"tab\there\"} 0.05") })
        #expect(lines.contains { $0.hasPrefix("canary_step_status_code{canary=\"hostile\",") && $0.hasSuffix(",step=\"tab\there\"} 0") })
    }

    @Test("alarm state: all three states, 1 only for the current one", arguments: [
        ("OK", [1.0, 0, 0]), ("ALARM", [0, 1, 0]), ("INSUFFICIENT_DATA", [0, 0, 1]), ("bogus", [0, 0, 0]),
    ])
    func alarmState(state: String, expected: [Double]) {
        let metrics = MetricsFixtures.metrics(MetricsFixtures.record("c", steps: []), state: state)
        #expect(MetricFamily.alarmState.samples(of: metrics).map(\.value) == expected)
        #expect(MetricFamily.alarmState.samples(of: metrics).map { $0.labels.last?.value } == CanaryMetrics.alarmStates)
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
        let text = PrometheusText.render([MetricsFixtures.plain], omitting: ["canary"])
        #expect(!text.contains("canary=\""))
        #expect(text.contains(#"canary_success{env="prod"} 1"#))
        #expect(text.contains(#"canary_duration_seconds{env="prod"} 0.1235"#))
        #expect(text.contains(#"canary_step_status_code{env="prod",step="home"} 200"#))
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

@Suite("Prometheus text: the bytes written are the samples")
struct MetricsTextMatchesSamplesTests {
    /// A canary with a browser step, for the three browser families.
    static let browser: CanaryMetrics = {
        let summary = #"{"requests":3,"failedRequests":["https://x.test/a"],"console":[],"consoleErrors":2,"dialogs":[],"dialogCount":0,"refused":[],"actions":[],"lcpMs":1200,"cls":0.125,"loadMs":900.5}"#
        var step = MetricsFixtures.step("page \"one\"")
        step.browser = try! JSONDecoder().decode(BrowserSummary.self, from: Data(summary.utf8))
        return MetricsFixtures.metrics(MetricsFixtures.record("shop", tags: ["location": "eu-west-1"], steps: [step]))
    }()

    /// What the text of one sample is: the labels in order, escaped, then the value.
    static func line(_ name: String, _ sample: MetricSample, omitting: Set<String>) -> String {
        let labels = sample.labels.filter { !omitting.contains($0.name) }
            .map { "\($0.name)=\"\(PrometheusText.escapeLabelValue($0.value))\"" }
        return name + (labels.isEmpty ? "" : "{" + labels.joined(separator: ",") + "}") + " " + PrometheusText.formatValue(sample.value) + "\n"
    }

    @Test("every family's lines, written straight to bytes, are what samples(of:) holds, with and without omitted labels")
    func textIsTheSamples() {
        let never = CanaryMetrics(canary: "never-ran", tags: ["env": "prod"], last: nil, runsPassed: 0, runsFailed: 0, alarmState: "INSUFFICIENT_DATA")
        for metrics in [MetricsFixtures.hostile, MetricsFixtures.plain, Self.browser, never] {
            for omitting: Set<String> in [[], ["canary"], ["canary", "location"], ["step", "phase"]] {
                var expected = ""
                var written: [UInt8] = []
                for family in MetricFamily.allCases {
                    for sample in family.samples(of: metrics) { expected += Self.line(family.name, sample, omitting: omitting) }
                    PrometheusText.appendLines(family, of: metrics, omitting: omitting, to: &written)
                }
                #expect(String(decoding: written, as: UTF8.self) == expected, "\(metrics.canary), omitting \(omitting.sorted())")
            }
            // All families at once (the scheduler's flushes): the same lines, each family's end where it is.
            var all: [UInt8] = []
            var ends: [Int] = []
            PrometheusText.appendAllLines(of: metrics, to: &all) { ends.append($0.count) }
            var one: [UInt8] = []
            var oneEnds: [Int] = []
            for family in MetricFamily.allCases {
                PrometheusText.appendLines(family, of: metrics, to: &one)
                oneEnds.append(one.count)
            }
            #expect(all == one && ends == oneEnds, "\(metrics.canary): all families at once")
        }
        // The browser canary has a sample of each browser family, so they are compared too.
        let browserText = PrometheusText.render([Self.browser])
        #expect(browserText.contains(#"canary_browser_timing_seconds{canary="shop",location="eu-west-1",step="page \"one\"",timing="lcp"} 1.2"#))
        #expect(browserText.contains(#"canary_browser_layout_shift{canary="shop",location="eu-west-1",step="page \"one\""} 0.125"#))
        #expect(browserText.contains(#"canary_browser_page_errors{canary="shop",location="eu-west-1",step="page \"one\"",kind="network"} 1"#))
    }
}
