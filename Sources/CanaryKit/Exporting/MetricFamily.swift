import CurlEngine
import Foundation

/// One sample of a family: its labels in output order, and its value.
struct MetricSample: Equatable {
    var labels: [(name: String, value: String)]
    var value: Double

    static func == (lhs: MetricSample, rhs: MetricSample) -> Bool {
        lhs.value == rhs.value && lhs.labels.elementsEqual(rhs.labels) { $0 == $1 }
    }
}

/// The labels a sample has after its canary's own (`canary` and its tags): none, one or two.
struct ExtraLabels {
    var first: (name: String, value: String)?
    var second: (name: String, value: String)?

    init() {}

    init(_ name: String, _ value: String) {
        first = (name, value)
    }

    init(_ name: String, _ value: String, _ name2: String, _ value2: String) {
        first = (name, value)
        second = (name2, value2)
    }

    var pairs: [(name: String, value: String)] {
        [first, second].compactMap { $0 }
    }
}

/// The metrics of spec section 4, in output order, and how each is read from `CanaryMetrics`.
///
/// A skipped step never ran, so it has no duration and no phases: reporting 0 s would look like
/// the fastest step ever. Its series stay (a vanished series looks like a broken exporter), with
/// the value NaN for durations and phases and 0 ("no response") for the status code. Failed
/// steps report the timings they got before failing. Every per-canary sample carries the
/// canary's tags (`location` among them) as labels. A canary that has not run yet has only
/// `canary_alarm_state` (INSUFFICIENT_DATA) and `canary_runs_total` (0).
enum MetricFamily: CaseIterable {
    case success, degraded, duration, stepDuration, stepPhase, stepStatusCode, runs, flakyRuns, lastRunTimestamp
    case certificateExpiry, certificateNotBefore, certificateChainExpiry, alarmState, inMaintenance, runnerErrors
    case browserTiming, browserLayoutShift, browserPageErrors

    var name: String {
        switch self {
        case .success: "canary_success"
        case .degraded: "canary_degraded"
        case .duration: "canary_duration_seconds"
        case .stepDuration: "canary_step_duration_seconds"
        case .stepPhase: "canary_step_phase_seconds"
        case .stepStatusCode: "canary_step_status_code"
        case .runs: "canary_runs_total"
        case .flakyRuns: "canary_flaky_runs_total"
        case .lastRunTimestamp: "canary_last_run_timestamp_seconds"
        case .certificateExpiry: "canary_certificate_expiry_timestamp_seconds"
        case .certificateNotBefore: "canary_certificate_not_before_timestamp_seconds"
        case .certificateChainExpiry: "canary_certificate_chain_expiry_timestamp_seconds"
        case .alarmState: "canary_alarm_state"
        case .inMaintenance: "canary_in_maintenance"
        case .runnerErrors: "canary_runner_errors_total"
        case .browserTiming: "canary_browser_timing_seconds"
        case .browserLayoutShift: "canary_browser_layout_shift"
        case .browserPageErrors: "canary_browser_page_errors"
        }
    }

    var help: String {
        switch self {
        case .success: "1 if the last run of the canary passed, else 0."
        case .degraded: "1 if the last run passed but missed a warn check (degraded), else 0."
        case .duration: "Wall time of the last run of the canary."
        case .stepDuration: "Total time of each step in the last run."
        case .stepPhase: "Length of each phase of each step in the last run: dns lookup, tcp connect, tls handshake, wait for the first byte, transfer of the rest; they add up to the step's total."
        case .stepStatusCode: "HTTP status of each step in the last run, 0 when there was no response."
        case .runs: "Runs of the canary by result, kept across invocations."
        case .flakyRuns: "Runs of the canary that passed only on a retry, kept across invocations."
        case .lastRunTimestamp: "Unix time the last run of the canary ended."
        case .certificateExpiry: "Unix time the leaf TLS certificate seen by the step expires (notAfter)."
        case .certificateNotBefore: "Unix time the leaf TLS certificate seen by the step became valid (notBefore)."
        case .certificateChainExpiry: "Unix time the first certificate of the chain the server sent expires (the earliest notAfter)."
        case .alarmState: "1 for the current alarm state of the canary, 0 for the others."
        case .inMaintenance: "1 while the canary is in a maintenance window (its last run was), else 0."
        case .runnerErrors: "Runs the runner could not carry out for want of its own resources (inconclusive), by kind."
        case .browserTiming: "Browser steps of the last run: largest contentful paint (lcp), interaction to next paint (inp), DOMContentLoaded and load of the last document, where the page gave them."
        case .browserLayoutShift: "Browser steps of the last run: cumulative layout shift of the page."
        case .browserPageErrors: "Browser steps of the last run: console errors and uncaught page errors (console), failed or 4xx/5xx requests (network)."
        }
    }

    var type: String { self == .runs || self == .flakyRuns || self == .runnerErrors ? "counter" : "gauge" }

    func samples(of metrics: CanaryMetrics) -> [MetricSample] {
        let canary = [("canary", metrics.canary)] + PrometheusLabels.tagLabels(metrics.tags)
        var samples: [MetricSample] = []
        forEachSample(of: metrics) { extra, value in
            samples.append(MetricSample(labels: canary + extra.pairs, value: value))
        }
        return samples
    }

    /// Hands `body` each sample of this family, in output order: the labels it has after the
    /// canary's own (`canary` and its tags) and its value. Builds nothing: metrics.prom for
    /// 10,000 canaries is 190,000 calls, and arrays of labels for each were most of its cost.
    func forEachSample(of metrics: CanaryMetrics, _ body: (ExtraLabels, Double) -> Void) {
        switch self {
        case .runs:
            body(ExtraLabels("result", "passed"), Double(metrics.runsPassed))
            body(ExtraLabels("result", "failed"), Double(metrics.runsFailed))
        case .alarmState:
            for state in CanaryMetrics.alarmStates { body(ExtraLabels("state", state), state == metrics.alarmState ? 1 : 0) }
        case .inMaintenance:
            body(ExtraLabels(), metrics.inMaintenance ? 1 : 0)
        case .flakyRuns:
            body(ExtraLabels(), Double(metrics.runsFlaky))
        case .runnerErrors:
            body(ExtraLabels("kind", TransferError.Kind.localResource.rawValue), Double(metrics.runsInconclusive))
        default:
            guard let last = metrics.lastRun else { return }
            forEachSample(of: last, body)
        }
    }

    /// The families read from the last run, in place: a copy of the record (a retain per field)
    /// for each of 190,000 calls at 10,000 canaries was most of metrics.prom's cost, and passing
    /// `last.record` on, even `borrowing`, still copied it.
    private func forEachSample(of last: LastRecord, _ body: (ExtraLabels, Double) -> Void) {
        switch self {
        case .success:
            body(ExtraLabels(), last.record.passed ? 1 : 0)
        case .degraded:
            body(ExtraLabels(), last.record.isDegraded ? 1 : 0)
        case .duration:
            body(ExtraLabels(), last.record.durationMs / 1000)
        case .stepDuration:
            for step in last.record.steps {
                body(ExtraLabels("step", step.name), step.outcome == .skipped ? .nan : step.timings.total / 1000)
            }
        case .stepPhase:
            for step in last.record.steps {
                let t = step.timings
                let skipped = step.outcome == .skipped
                body(ExtraLabels("step", step.name, "phase", "dns"), skipped ? .nan : t.dns / 1000)
                body(ExtraLabels("step", step.name, "phase", "connect"), skipped ? .nan : t.connect / 1000)
                body(ExtraLabels("step", step.name, "phase", "tls"), skipped ? .nan : t.tls / 1000)
                body(ExtraLabels("step", step.name, "phase", "wait"), skipped ? .nan : t.wait / 1000)
                body(ExtraLabels("step", step.name, "phase", "transfer"), skipped ? .nan : t.transfer / 1000)
            }
        case .stepStatusCode:
            for step in last.record.steps { body(ExtraLabels("step", step.name), Double(step.statusCode)) }
        case .lastRunTimestamp:
            // A record whose end does not parse has no honest value: leave the sample out.
            guard let end = PrometheusLabels.unixTime(iso8601: last.record.end) else { return }
            body(ExtraLabels(), end)
        case .certificateExpiry:
            Self.timestamps(last, body) { $0.certificateNotAfter }
        case .certificateNotBefore:
            Self.timestamps(last, body) { $0.tls?.notBefore }
        case .certificateChainExpiry:
            Self.timestamps(last, body) { $0.tls?.chainNotAfter }
        case .browserTiming:
            for step in last.record.steps {
                guard let page = step.browser else { continue }
                for (name, ms) in [("lcp", page.lcpMs), ("inp", page.inpMs), ("dom_content_loaded", page.domContentLoadedMs), ("load", page.loadMs)] {
                    if let ms { body(ExtraLabels("step", step.name, "timing", name), ms / 1000) }
                }
            }
        case .browserLayoutShift:
            for step in last.record.steps {
                if let cls = step.browser?.cls { body(ExtraLabels("step", step.name), cls) }
            }
        case .browserPageErrors:
            for step in last.record.steps {
                guard let page = step.browser else { continue }
                body(ExtraLabels("step", step.name, "kind", "console"), Double(page.consoleErrors))
                body(ExtraLabels("step", step.name, "kind", "network"), Double(page.failedRequestCount ?? page.failedRequests.count))
            }
        case .runs, .flakyRuns, .alarmState, .inMaintenance, .runnerErrors:
            return
        }
    }

    /// One sample per step whose response has the ISO 8601 time `time` reads, as Unix time.
    private static func timestamps(_ last: LastRecord, _ body: (ExtraLabels, Double) -> Void, _ time: (ResponseSummary) -> String?) {
        for step in last.record.steps {
            guard let text = step.response.flatMap(time), let seconds = PrometheusLabels.unixTime(iso8601: text) else { continue }
            body(ExtraLabels("step", step.name), seconds)
        }
    }

}
