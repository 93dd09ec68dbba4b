import Foundation

extension AlarmEvaluator {
    /// A canary that missed two scheduled runs has no recent evidence either way: its alarm goes to
    /// INSUFFICIENT_DATA (an event when that is a change). Its outcomes are kept for later runs.
    public static func missedRuns(canary: String, into state: CanaryState, now: Date) -> (CanaryState, AlarmEvent?) {
        guard state.state != .insufficientData else { return (state, nil) }
        var next = state
        next.state = .insufficientData
        next.since = AlarmEvent.timestamp(now)
        let detail = AlarmEvent.Detail(
            canary: canary, runId: state.last?.runId ?? "", tags: state.tags, step: nil, failure: nil,
            previousState: state.state, state: .insufficientData, reason: "missed 2 scheduled runs in a row")
        return (next, AlarmEvent(id: AlarmEvent.newID(), detailType: AlarmEvent.stateChangeType, time: AlarmEvent.timestamp(now), detail: detail))
    }
}
