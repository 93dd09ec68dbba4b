import Foundation

/// What the metrics of one canary are made from: its last run, its run counters (kept across
/// invocations by the caller) and its current alarm state.
public struct CanaryMetrics: Sendable {
    /// The canary's name, the `canary` label.
    public var canary: String
    /// Become extra labels of `canary_success`, with names sanitised for Prometheus.
    public var tags: [String: String]
    /// The last run: success, durations, steps, status codes, certificate expiry; nil for a
    /// canary that has not run yet (it still has its alarm state and run counters).
    public var last: RunRecord? {
        get { lastRun?.record }
        set { lastRun = newValue.map(LastRecord.init) }
    }
    /// `last`, boxed: metrics.prom reads each canary's metrics once per family (19 times), and
    /// a record inline was copied, a retain per field, on every read.
    private(set) var lastRun: LastRecord?
    /// Runs so far by result, for the `canary_runs_total` counter.
    public var runsPassed: Int
    public var runsFailed: Int
    /// Inconclusive runs (the runner lacked a local resource), for `canary_runner_errors_total`.
    public var runsInconclusive: Int = 0
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA` (see `alarmStates`).
    public var alarmState: String
    /// Runs that passed only on a retry, kept across invocations: `canary_flaky_runs_total`.
    public var runsFlaky = 0
    /// Its last run was in a maintenance window: `canary_in_maintenance`.
    public var inMaintenance = false

    /// The three alarm states `canary_alarm_state` always reports, in output order.
    public static let alarmStates = ["OK", "ALARM", "INSUFFICIENT_DATA"]

    /// Every field given explicitly.
    public init(canary: String, tags: [String: String], last: RunRecord?, runsPassed: Int, runsFailed: Int, alarmState: String) {
        self.canary = canary
        self.tags = tags
        lastRun = last.map(LastRecord.init)
        self.runsPassed = runsPassed
        self.runsFailed = runsFailed
        self.alarmState = alarmState
    }

    /// Name and tags taken from the run record.
    public init(last: RunRecord, runsPassed: Int, runsFailed: Int, alarmState: String) {
        self.init(canary: last.canary, tags: last.tags, last: last, runsPassed: runsPassed, runsFailed: runsFailed, alarmState: alarmState)
    }
}

/// A run record behind one reference (see `CanaryMetrics.last`).
final class LastRecord: Sendable {
    let record: RunRecord

    init(_ record: RunRecord) {
        self.record = record
    }
}
