import Foundation

/// Maintenance windows in the alarm: a run inside one is counted (runs, last run, metrics) but is
/// no datapoint, so the state, and with it events, reminders and Alertmanager posts, hold; the
/// first run after the window evaluates afresh, from outcomes after it only.
extension AlarmEvaluator {
    static func heldForMaintenance(_ run: RunRecord, _ state: CanaryState) -> CanaryState {
        var next = state
        next.maintenance = true
        guard !run.isInconclusive else {
            next.runsInconclusive += 1
            return next
        }
        if run.passed { next.runsPassed += 1 } else { next.runsFailed += 1 }
        next.last = run.trimmedForState
        next.tags = run.tags
        return next
    }
}

extension CanaryState {
    /// Out of a maintenance window: the outcomes from before it no longer count.
    var leavingMaintenance: CanaryState {
        var next = self
        next.maintenance = nil
        next.recent = []
        return next
    }
}
