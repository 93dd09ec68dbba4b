import Foundation

/// Uptime of a canary over the last 24 hours, 7 days and 30 days: the share of its conclusive
/// runs started in each window that passed (inconclusive and cancelled runs say nothing about
/// the target). nil for a window without such runs.
public struct Uptime: Sendable, Equatable {
    public var day: Double?
    public var week: Double?
    public var month: Double?

    public static let windows: [(label: String, seconds: Double)] = [("24 h", 86_400), ("7 d", 7 * 86_400), ("30 d", 30 * 86_400)]

    public init(day: Double?, week: Double?, month: Double?) {
        self.day = day
        self.week = week
        self.month = month
    }

    /// `runs` in any order; `now` ends every window.
    public init(runs: [RunRecord], now: Date) {
        var passed = [0, 0, 0], counted = [0, 0, 0]
        // Record times are ISO 8601 UTC in one format, which sorts as text: no date parsing
        // per run (a report may read millions).
        let cutoffs = Self.windows.map { RunID.iso8601(now.addingTimeInterval(-$0.seconds)) }
        for run in runs where !run.isInconclusive && run.cancelled != true {
            for index in cutoffs.indices where run.start >= cutoffs[index] {
                counted[index] += 1
                if run.passed { passed[index] += 1 }
            }
        }
        let share = { (index: Int) in counted[index] == 0 ? nil : Double(passed[index]) / Double(counted[index]) }
        self.init(day: share(0), week: share(1), month: share(2))
    }

    public var values: [Double?] { [day, week, month] }
}

/// A stretch of time a canary's alarm was in ALARM, from the alarm events (`events.jsonl`).
public struct Incident: Sendable, Equatable {
    public var canary: String
    /// ISO 8601 UTC of the event that raised it, and of the one that ended it (nil: ongoing).
    public var start: String
    public var end: String?
    /// The raising event's reason and first failure.
    public var reason: String
    public var failure: String?
    public var runId: String

    /// Incidents from state-change events in any order, newest first. An incident ends at the
    /// canary's next change away from ALARM.
    public static func timeline(_ events: [AlarmEvent]) -> [Incident] {
        let changes = events.filter { $0.detailType == AlarmEvent.stateChangeType }.sorted { $0.time < $1.time }
        var open: [String: Int] = [:]
        var incidents: [Incident] = []
        for event in changes {
            let canary = event.detail.canary
            if event.detail.state == .alarm, open[canary] == nil {
                open[canary] = incidents.count
                incidents.append(Incident(canary: canary, start: event.time, end: nil, reason: event.detail.reason ?? "",
                                          failure: event.detail.failure, runId: event.detail.runId))
            } else if event.detail.state != .alarm, let index = open.removeValue(forKey: canary) {
                incidents[index].end = event.time
            }
        }
        return incidents.reversed()
    }

    /// How long it lasted, up to `now` when ongoing; nil when a time does not parse.
    public func duration(now: Date) -> TimeInterval? {
        guard let from = RunID.date(fromISO8601: start) else { return nil }
        let to = end.flatMap(RunID.date(fromISO8601:)) ?? now
        return to.timeIntervalSince(from)
    }
}
