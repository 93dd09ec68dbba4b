import Foundation

/// `alarm.remindEvery`: while a canary stays in ALARM, a `Canary Alarm Reminder` event each time
/// another `every` has passed since the alarm began (at 1h, 2h, … for "1h"), carried by the first
/// run after that moment. Nothing is stored: the previous run's end tells whether this run is the
/// first past the mark.
enum AlarmReminder {
    static func event(for run: RunRecord, before: CanaryState, after: CanaryState, every: Duration?, now: Date) -> AlarmEvent? {
        guard let every, run.maintenance != true, before.state == .alarm, after.state == .alarm,
            let since = RunID.date(fromISO8601: after.since)
        else { return nil }
        let period = Double(every.components.seconds) + Double(every.components.attoseconds) / 1e18
        guard period > 0 else { return nil }
        let previous = before.last.flatMap { RunID.date(fromISO8601: $0.end) } ?? since
        let due = (now.timeIntervalSince(since) / period).rounded(.down)
        let done = (max(0, previous.timeIntervalSince(since)) / period).rounded(.down)
        guard due >= 1, due > done else { return nil }
        let length = Duration.seconds(Int64(now.timeIntervalSince(since).rounded(.down)))
        return AlarmEvent.reminder(of: run, since: after.since, reason: "in ALARM since \(after.since) (\(length.humanText)); reminded every \(every.humanText)", now: now)
    }
}

extension AlarmEvent {
    /// `run` found its canary still in ALARM (since `since`): the reminder it brings.
    static func reminder(of run: RunRecord, since: String, reason: String, now: Date) -> AlarmEvent {
        let failure = run.passed ? nil : run.firstFailure
        var detail = Detail(
            canary: run.canary, runId: run.runId, tags: run.tags, step: failure.flatMap { $0.step.isEmpty ? nil : $0.step },
            failure: failure?.message, previousState: .alarm, state: .alarm, reason: reason)
        detail.suppressedBy = run.suppressedBy
        return AlarmEvent(id: id(of: run, reminderType), detailType: reminderType, time: timestamp(now), detail: detail)
    }
}
