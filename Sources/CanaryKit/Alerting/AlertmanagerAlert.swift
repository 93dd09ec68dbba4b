import Foundation

/// One alert as Alertmanager's API v2 takes it (`POST /api/v2/alerts` takes an array of them).
/// A canary in ALARM is re-sent on every run with `endsAt` a few intervals ahead, as Alertmanager
/// expects of a firing alert; on its change to OK it is sent once more with `endsAt` now.
struct AlertmanagerAlert: Sendable, Codable, Equatable {
    static let alertName = "CanaryFailing"

    var labels: [String: String]
    var annotations: [String: String]
    /// When the canary went into ALARM (the state's `since`), so the alert keeps one start.
    var startsAt: String
    var endsAt: String

    /// The alert `run` calls for: firing while `after` is ALARM, resolved when the run took the
    /// canary out of ALARM, none otherwise. `run` is already redacted, and so is all that is
    /// taken from it.
    static func forRun(
        _ run: RunRecord, before: CanaryState, after: CanaryState, severity: String, lifetime: Duration,
        reportURL: String?, now: Date
    ) -> AlertmanagerAlert? {
        // A maintenance window holds posts: a firing alert not re-sent ends at its endsAt.
        guard run.maintenance != true else { return nil }
        let firing = after.state == .alarm
        guard firing || before.state == .alarm else { return nil }
        var labels = ["alertname": alertName, "canary": run.canary, "severity": severity]
        // Tags route alerts (team, location); they never replace the labels above.
        for (name, value) in PrometheusLabels.tagLabels(run.tags) where labels[name] == nil && !value.isEmpty {
            labels[name] = value
        }
        var annotations = ["runId": run.runId]
        let failed = after.recent.filter { !$0 }.count
        if firing {
            annotations["summary"] = "canary \(run.canary) is failing: \(failed) of its last \(after.recent.count) runs failed"
            if let failure = run.firstFailure {
                if !failure.step.isEmpty { annotations["step"] = failure.step }
                annotations["message"] = failure.message
            }
        } else {
            annotations["summary"] = "canary \(run.canary) passes again"
        }
        if let reportURL, !reportURL.isEmpty { annotations["report"] = reportURL }
        let since = firing ? after.since : before.since
        let ends = firing ? now.addingTimeInterval(Double(lifetime.components.seconds)) : now
        return AlertmanagerAlert(
            labels: labels, annotations: annotations, startsAt: since.isEmpty ? AlarmEvent.timestamp(now) : since,
            endsAt: AlarmEvent.timestamp(ends))
    }

    /// How long a firing alert lasts unless re-sent: three of the canary's intervals, at least a
    /// minute; five minutes for a canary without a schedule (run from cron at its own pace).
    static func lifetime(of canary: Canary) -> Duration {
        guard let interval = canary.schedule.flatMap(ScheduleBook.interval) else { return .seconds(300) }
        return .seconds(max(60, Int((interval * 3).rounded(.up))))
    }
}
