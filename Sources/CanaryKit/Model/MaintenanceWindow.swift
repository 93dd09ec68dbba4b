import Foundation

/// A time when a canary's target is expected to be down: runs go on and are recorded with
/// `maintenance: true`, but hold the alarm (no change of state, reminder or Alertmanager post).
public enum MaintenanceWindow: Sendable, Equatable {
    /// Every time the cron expression fires (UTC), for `duration`: `{cron: "0 2 * * 0", duration: "2h"}`.
    case recurring(CronExpression, duration: Duration)
    /// Once: `{from: "2026-12-01T02:00:00Z", to: "2026-12-01T04:00:00Z"}`, `to` excluded.
    case once(from: Date, to: Date)

    /// Whether `date` falls inside the window.
    public func covers(_ date: Date) -> Bool {
        switch self {
        case .once(let from, let to):
            return from <= date && date < to
        case .recurring(let cron, let duration):
            // The window that may hold `date` started at a fire in (date - duration, date].
            let length = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            guard let start = cron.nextFire(after: date.addingTimeInterval(-length)) else { return false }
            return start <= date
        }
    }
}
