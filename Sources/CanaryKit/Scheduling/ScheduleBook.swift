import Foundation

/// The scheduler's bookkeeping, with no clock and no I/O: when each canary is due next, which
/// are running, what was skipped because a run would overlap, and which missed their runs.
/// The daemon loop asks it what to start at `now` and tells it when runs finish.
public struct ScheduleBook: Sendable {
    struct Entry: Sendable {
        var canary: Canary
        var next: Date
        var running = false
        /// Scheduled runs in a row that did not start (overlap, or the process was paused).
        var missedInARow = 0
        var skippedTotal = 0
    }

    /// What happened at a tick besides the runs started.
    public enum Note: Sendable, Equatable {
        /// A run was due while the previous one still ran.
        case skipped(canary: String, total: Int)
        /// The canary has now missed two scheduled runs in a row.
        case missedTwo(canary: String)
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// Names of the canaries on the book.
    public var names: [String] { entries.keys.sorted() }

    /// The first due time of every canary, spread by a stable jitter so that a thousand canaries
    /// on `rate(1 minute)` do not all fire in the same millisecond.
    public mutating func add(_ canary: Canary, now: Date) {
        guard let schedule = canary.schedule else { return }
        entries[canary.name] = Entry(canary: canary, next: Self.first(schedule, name: canary.name, after: now))
    }

    /// Swaps in a new version of the same canary without touching its timing or running state.
    public mutating func update(_ canary: Canary, now: Date) {
        guard var entry = entries[canary.name] else { return add(canary, now: now) }
        if entry.canary.schedule != canary.schedule, let schedule = canary.schedule {
            entry.next = Self.first(schedule, name: canary.name, after: now)
        }
        entry.canary = canary
        entries[canary.name] = entry
    }

    public mutating func remove(_ name: String) {
        entries[name] = nil
    }

    /// Canaries to start now (at most `slots`), marked running. A due canary that is still running
    /// is skipped and counted; every due time already past moves on to the next one after `now`.
    public mutating func due(at now: Date, slots: Int) -> (start: [Canary], notes: [Note]) {
        var start: [Canary] = []
        var notes: [Note] = []
        // One pass to find what is due (the loop wakes often), then earliest first among those.
        let dueNames = entries.compactMap { $0.value.next <= now ? ($0.key, $0.value.next) : nil }
            .sorted { $0.1 < $1.1 }.map(\.0)
        for name in dueNames {
            guard var entry = entries[name], let schedule = entry.canary.schedule else { continue }
            let missedBefore = entry.missedInARow
            var passed = 0
            var next = entry.next
            while next <= now, let following = Self.after(schedule, next) {
                passed += 1
                next = following
            }
            if entry.running || start.count >= slots {
                guard !entry.running || passed > 0 else { continue }
                entry.skippedTotal += entry.running ? passed : 0
                entry.missedInARow += passed
                if entry.running { notes.append(.skipped(canary: name, total: entry.skippedTotal)) }
            } else {
                // More than one due time passed unseen: the process was paused or overloaded.
                entry.missedInARow = passed > 1 ? entry.missedInARow + passed - 1 : 0
                entry.running = true
                start.append(entry.canary)
            }
            if missedBefore < 2 && entry.missedInARow >= 2 { notes.append(.missedTwo(canary: name)) }
            entry.next = next
            entries[name] = entry
        }
        return (start, notes)
    }

    public mutating func finished(_ name: String) {
        entries[name]?.running = false
    }

    /// The earliest due time on the book.
    public var nextDue: Date? { entries.values.map(\.next).min() }

    public var runningCount: Int { entries.values.filter(\.running).count }

    private static func first(_ schedule: Schedule, name: String, after now: Date) -> Date {
        let base: Date
        let spread: Double
        switch schedule {
        case .rate(let interval, _):
            base = now
            spread = min(interval.milliseconds / 1000 / 2, 30)
        case .cron:
            base = schedule.nextFire(after: now) ?? .distantFuture
            spread = 5
        }
        let fraction = Double(Shard.fnv1a(name) % 10_000) / 10_000
        return base.addingTimeInterval(fraction * spread)
    }

    private static func after(_ schedule: Schedule, _ date: Date) -> Date? {
        switch schedule {
        case .rate(let interval, _): return date.addingTimeInterval(interval.milliseconds / 1000)
        case .cron: return schedule.nextFire(after: date)
        }
    }
}
