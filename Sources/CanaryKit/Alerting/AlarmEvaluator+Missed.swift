import Foundation

extension AlarmEvaluator {
    /// A canary that missed two scheduled runs has no recent evidence either way: its alarm goes to
    /// INSUFFICIENT_DATA (an event when that is a change). Its outcomes are kept for later runs.
    public static func missedRuns(
        canary: String, into state: CanaryState, now: Date, reason: String = "missed 2 scheduled runs in a row"
    ) -> (CanaryState, AlarmEvent?) {
        guard state.state != .insufficientData else { return (state, nil) }
        var next = state
        next.state = .insufficientData
        next.since = AlarmEvent.timestamp(now)
        let detail = AlarmEvent.Detail(
            canary: canary, runId: state.last?.runId ?? "", tags: state.tags, step: nil, failure: nil,
            previousState: state.state, state: .insufficientData, reason: reason)
        return (next, AlarmEvent(id: AlarmEvent.newID(), detailType: AlarmEvent.stateChangeType, time: AlarmEvent.timestamp(now), detail: detail))
    }

    /// Due times of `canary`'s schedule that passed since its last run with nothing running it
    /// (the daemon stopped, a cron job that stopped), not counting the latest: 2 or more is
    /// missing data. 0 for a canary
    /// without a schedule, never run, or already INSUFFICIENT_DATA.
    public static func missedWhileStopped(_ canary: Canary, state: CanaryState, now: Date) -> Int {
        guard let schedule = canary.schedule, state.state != .insufficientData,
              let start = state.last.flatMap({ RunID.date(fromISO8601: $0.start) }) else { return 0 }
        // The latest due time is the run starting now (as in the scheduler's own count): one cron
        // tick lost is no missing data, two in a row are.
        let missed = ScheduleBook.dueTimes(schedule, after: start, until: now) - 1
        return missed >= 2 ? missed : 0
    }

    /// Those of `canaries` that missed runs while stopped, with how many and the event's reason.
    public static func missedWhileStopped(
        _ canaries: [Canary], states: [String: CanaryState], now: Date
    ) -> [(canary: String, missed: Int, reason: String)] {
        canaries.compactMap { canary in
            guard let state = states[canary.name] else { return nil }
            let missed = missedWhileStopped(canary, state: state, now: now)
            guard missed > 0 else { return nil }
            return (canary.name, missed, "missed \(missed) scheduled runs while nothing ran the canary (last run started \(state.last?.start ?? ""))")
        }
    }
}
