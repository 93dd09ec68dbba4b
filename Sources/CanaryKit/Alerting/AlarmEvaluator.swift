import Foundation

/// The alarm state machine: a pure function from the previous state and one finished run to the
/// next state, and the event to send when the state changed.
public enum AlarmEvaluator {
    /// Counts `run` into `state` and evaluates `rule` over the kept outcomes: ALARM when at least
    /// `datapointsToAlarm` of the last `evaluationPeriods` runs failed, else OK.
    public static func record(
        _ run: RunRecord, rule: AlarmRule, into state: CanaryState, now: Date
    ) -> (CanaryState, AlarmEvent?) {
        // A run stopped by SIGTERM/SIGINT says nothing about the target: no datapoint.
        if run.cancelled == true { return (state, nil) }
        // The rule comes from the canary file and may have changed since state.json was written,
        // or be out of range when built in code: clamp rather than trust it.
        let periods = max(1, rule.evaluationPeriods)
        let threshold = min(max(1, rule.datapointsToAlarm), periods)

        // In a maintenance window the alarm holds; the first run after it starts afresh.
        if run.maintenance == true { return (heldForMaintenance(run, state), nil) }
        var next = state
        if next.maintenance == true { next = next.leavingMaintenance }
        // Our own starvation (no descriptor, no port) is no datapoint about the target.
        if run.isInconclusive {
            next.runsInconclusive += 1
            return (next, nil)
        }
        // With `degradedFails`, a pass that missed a `warn` check is a failing datapoint.
        // With `flakyFails`, so is a pass that needed a retry.
        let good = run.passed && !(rule.degradedFails && run.isDegraded) && !(rule.flakyFails && run.flaky == true)
        // A dependency in ALARM: this failure is its, not a datapoint that could alarm this canary.
        if let held = heldForDependency(run, good: good, next) { return (held, nil) }
        next.recent.append(good)
        if run.flaky == true { next.runsFlaky += 1 }
        if next.recent.count > periods {
            next.recent.removeFirst(next.recent.count - periods)
        }
        if run.passed { next.runsPassed += 1 } else { next.runsFailed += 1 }
        next.last = run.trimmedForState
        next.tags = run.tags
        if !run.file.isEmpty { next.file = LocalPath.absolute(run.file) }

        let failed = next.recent.filter { !$0 }.count
        next.state = failed >= threshold ? .alarm : .ok
        guard next.state != state.state else { return (next, nil) }
        next.since = AlarmEvent.timestamp(now)

        // The first transition is news too (INSUFFICIENT_DATA → OK after the first run), as in
        // CloudWatch: a receiver that tracks state learns the canary exists and is fine.
        let reason = "\(failed) of the last \(next.recent.count) run\(next.recent.count == 1 ? "" : "s") failed"
        return (next, AlarmEvent.stateChange(of: run, from: state.state, to: next.state, reason: reason, now: now))
    }
}
