import Foundation

/// The bodies the listener serves, rendered from one snapshot. Pure; every body goes through the
/// redactor with the secrets of the runs.
public enum StatusRendering {
    public static let metricsType = "text/plain; version=0.0.4; charset=utf-8"
    /// Seconds between reloads of the status page.
    public static let pageRefresh = 10

    /// The families of metrics.prom, the scheduler's, and the process's own.
    public static func metrics(_ snapshot: StatusSnapshot) -> [UInt8] {
        var text = PrometheusText.render(snapshot.canaries)
        text += snapshot.scheduler?.prometheusText ?? ""
        text += """
            # HELP canary_scheduler_runs_in_flight Runs started and not yet recorded.
            # TYPE canary_scheduler_runs_in_flight gauge
            canary_scheduler_runs_in_flight \(snapshot.runsInFlight)
            # HELP canary_scheduler_queue_delay_seconds Time due runs waited for a free --jobs slot.
            # TYPE canary_scheduler_queue_delay_seconds summary
            canary_scheduler_queue_delay_seconds_sum \(PrometheusText.formatValue(snapshot.queueDelaySeconds))
            canary_scheduler_queue_delay_seconds_count \(snapshot.queueDelayCount)
            # HELP canary_build_info The running canary's version.
            # TYPE canary_build_info gauge
            canary_build_info{version="\(CanaryVersion.number)"} 1

            """
        text += snapshot.resultsBytes.map(StoreMetrics.prometheusText) ?? ""
        return redacted(text, snapshot)
    }

    /// `/api/canaries`: per canary its alarm state, counters and last run, for dashboards.
    public static func canariesJSON(_ snapshot: StatusSnapshot) -> [UInt8] {
        let items = snapshot.canaries.sorted { $0.canary < $1.canary }.map { metrics in
            let last = metrics.last
            let failure = last?.firstFailure
            return CanaryStatus(
                name: metrics.canary, tags: metrics.tags, alarmState: metrics.alarmState, runsPassed: metrics.runsPassed,
                runsFailed: metrics.runsFailed, inMaintenance: metrics.inMaintenance,
                lastRun: last.map { LastRun(runId: $0.runId, start: $0.start, end: $0.end, durationMs: $0.durationMs, passed: $0.passed,
                                            inconclusive: $0.isInconclusive, failedStep: failure?.step, failure: failure?.message) })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(CanaryList(ready: snapshot.ready, canaries: items))) ?? Data("{}".utf8)
        return redacted(String(decoding: data, as: UTF8.self) + "\n", snapshot)
    }

    /// `/`: the report's page over the latest runs, reloading itself (no scripts).
    public static func page(_ snapshot: StatusSnapshot, now: Date = Date()) -> [UInt8] {
        let records = snapshot.recent.values.flatMap { $0 }
        var html = HTMLReport.render(records: records, generatedAt: now)
        let head = "<meta http-equiv=\"refresh\" content=\"\(pageRefresh)\">\n<title>Canary status</title>"
        if let title = html.range(of: "<title>Canary report</title>") { html.replaceSubrange(title, with: head) }
        if !snapshot.ready, let main = html.range(of: "<main>") {
            html.replaceSubrange(main, with: "<main>\n<p class=\"warning\">Starting: not every canary has been scheduled yet.</p>")
        }
        return redacted(html, snapshot)
    }

    private static func redacted(_ text: String, _ snapshot: StatusSnapshot) -> [UInt8] {
        Redactor(secrets: snapshot.secrets).redact(bytes: Array(text.utf8))
    }

    private struct CanaryList: Encodable {
        var ready: Bool
        var canaries: [CanaryStatus]
    }

    private struct CanaryStatus: Encodable {
        var name: String
        var tags: [String: String]
        var alarmState: String
        var runsPassed: Int
        var runsFailed: Int
        var inMaintenance: Bool
        var lastRun: LastRun?
    }

    private struct LastRun: Encodable {
        var runId: String
        var start: String
        var end: String
        var durationMs: Double
        var passed: Bool
        var inconclusive: Bool
        var failedStep: String?
        var failure: String?
    }
}
