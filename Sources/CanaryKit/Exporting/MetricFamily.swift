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
        switch self {
        case .runs:
            return [MetricSample(labels: canary + [("result", "passed")], value: Double(metrics.runsPassed)),
                    MetricSample(labels: canary + [("result", "failed")], value: Double(metrics.runsFailed))]
        case .alarmState:
            return CanaryMetrics.alarmStates.map {
                MetricSample(labels: canary + [("state", $0)], value: $0 == metrics.alarmState ? 1 : 0)
            }
        case .inMaintenance:
            return [MetricSample(labels: canary, value: metrics.inMaintenance ? 1 : 0)]
        case .flakyRuns:
            return [MetricSample(labels: canary, value: Double(metrics.runsFlaky))]
        case .runnerErrors:
            return [MetricSample(labels: canary + [("kind", TransferError.Kind.localResource.rawValue)], value: Double(metrics.runsInconclusive))]
        default:
            guard let record = metrics.last else { return [] }
            return samples(of: record, labels: canary)
        }
    }

    /// The families read from the last run.
    private func samples(of record: RunRecord, labels canary: [(name: String, value: String)]) -> [MetricSample] {
        switch self {
        case .success:
            return [MetricSample(labels: canary, value: record.passed ? 1 : 0)]
        case .degraded:
            return [MetricSample(labels: canary, value: record.isDegraded ? 1 : 0)]
        case .duration:
            return [MetricSample(labels: canary, value: record.durationMs / 1000)]
        case .stepDuration:
            return record.steps.map { step in
                MetricSample(labels: canary + [("step", step.name)], value: step.outcome == .skipped ? .nan : step.timings.total / 1000)
            }
        case .stepPhase:
            return record.steps.flatMap { step in
                Self.phases(step.timings).map {
                    MetricSample(labels: canary + [("step", step.name), ("phase", $0.phase)], value: step.outcome == .skipped ? .nan : $0.ms / 1000)
                }
            }
        case .stepStatusCode:
            return record.steps.map { MetricSample(labels: canary + [("step", $0.name)], value: Double($0.statusCode)) }
        case .lastRunTimestamp:
            // A record whose end does not parse has no honest value: leave the sample out.
            guard let end = PrometheusLabels.unixTime(iso8601: record.end) else { return [] }
            return [MetricSample(labels: canary, value: end)]
        case .certificateExpiry:
            return Self.timestamps(record, labels: canary) { $0.certificateNotAfter }
        case .certificateNotBefore:
            return Self.timestamps(record, labels: canary) { $0.tls?.notBefore }
        case .certificateChainExpiry:
            return Self.timestamps(record, labels: canary) { $0.tls?.chainNotAfter }
        case .browserTiming:
            return record.steps.flatMap { step -> [MetricSample] in
                guard let page = step.browser else { return [] }
                let timings = [("lcp", page.lcpMs), ("inp", page.inpMs), ("dom_content_loaded", page.domContentLoadedMs), ("load", page.loadMs)]
                return timings.compactMap { name, ms in ms.map { MetricSample(labels: canary + [("step", step.name), ("timing", name)], value: $0 / 1000) } }
            }
        case .browserLayoutShift:
            return record.steps.compactMap { step in
                step.browser?.cls.map { MetricSample(labels: canary + [("step", step.name)], value: $0) }
            }
        case .browserPageErrors:
            return record.steps.flatMap { step -> [MetricSample] in
                guard let page = step.browser else { return [] }
                return [MetricSample(labels: canary + [("step", step.name), ("kind", "console")], value: Double(page.consoleErrors)),
                        MetricSample(labels: canary + [("step", step.name), ("kind", "network")], value: Double(page.failedRequestCount ?? page.failedRequests.count))]
            }
        case .runs, .flakyRuns, .alarmState, .inMaintenance, .runnerErrors:
            return []
        }
    }

    /// One sample per step whose response has the ISO 8601 time `time` reads, as Unix time.
    private static func timestamps(
        _ record: RunRecord, labels canary: [(name: String, value: String)], _ time: (ResponseSummary) -> String?
    ) -> [MetricSample] {
        record.steps.compactMap { step in
            guard let text = step.response.flatMap(time), let seconds = PrometheusLabels.unixTime(iso8601: text) else { return nil }
            return MetricSample(labels: canary + [("step", step.name)], value: seconds)
        }
    }

    private static func phases(_ t: Timings) -> [(phase: String, ms: Double)] {
        [("dns", t.dns), ("connect", t.connect), ("tls", t.tls), ("wait", t.wait), ("transfer", t.transfer)]
    }
}
