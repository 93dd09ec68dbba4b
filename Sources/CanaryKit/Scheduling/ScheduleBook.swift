import Foundation

/// The scheduler's bookkeeping, with no clock and no I/O: when each canary is due next, which
/// are running, which wait for a free `--jobs` slot, and which runs were skipped and why.
/// The daemon loop asks it what to start at `now` and tells it when runs finish.
///
/// A canary that falls due while every slot is busy waits in a queue, oldest due time first, so
/// no canary starves another. A run that is still waiting when the canary falls due again is
/// skipped (`SkipReason.queue`), and so is a due time that comes while the previous run still
/// goes (`SkipReason.running`): both are the scheduler's doing, not missing data of the target.
/// Missing data is a due time nobody looked at (the process was paused or stopped).
///
/// Due times and the queue are two min-heaps, so a tick and a run's end cost O(log n) in the
/// canaries on the book, never a scan of all of them (10,000 canaries end 170 runs a second).
/// An entry of a heap counts only while it matches the canary's entry (`next`, `queuedSince`);
/// one that no longer does (the canary changed, was removed or moved on) is dropped when it
/// comes to the top.
public struct ScheduleBook: Sendable {
    struct Entry: Sendable {
        var canary: Canary
        /// The next due time not yet handled.
        var next: Date
        /// When the run in progress started.
        var runningSince: Date?
        /// The due time of the run waiting for a slot.
        var queuedSince: Date?
        /// Due times in a row that passed unseen (the process was paused).
        var missedInARow = 0
        /// Mean run time in seconds (moving average), nil before the first run ends.
        var meanSeconds: Double?
        /// Seconds between two runs of its schedule, worked out once.
        var interval: Double?
    }

    /// Why a scheduled run did not happen.
    public enum SkipReason: String, Sendable, CaseIterable {
        /// The canary's previous run was still going.
        case running
        /// Every `--jobs` slot was busy until the canary fell due again.
        case queue
    }

    /// What happened at a tick besides the runs started.
    public enum Note: Sendable, Equatable {
        /// A run was skipped; `seconds` is how long the previous run had gone (`running`) or how
        /// long this one had waited for a slot (`queue`).
        case skipped(canary: String, reason: SkipReason, seconds: Double)
        /// The canary has now missed two scheduled runs in a row.
        case missedTwo(canary: String)
    }

    private var entries: [String: Entry] = [:]
    /// Every canary's `next`, earliest first (and entries gone stale, see above).
    private var dueTimes = MinHeap<DueItem>()
    /// Every `queuedSince`, oldest first: the runs waiting for a slot.
    private var waiting = MinHeap<DueItem>()
    /// Skipped runs by reason since the book was made.
    public private(set) var skippedTotals: [SkipReason: Int] = [:]
    /// Time started runs waited since they fell due, summed in seconds, and how many started.
    public private(set) var queueDelay: (seconds: Double, runs: Int) = (0, 0)

    public init() {}

    /// Names of the canaries on the book.
    public var names: [String] { entries.keys.sorted() }

    /// The first due time of every canary, spread by a stable jitter so that a thousand canaries
    /// on `rate(1 minute)` do not all fire in the same millisecond.
    public mutating func add(_ canary: Canary, now: Date) {
        guard let schedule = canary.schedule else { return }
        let next = Self.first(schedule, name: canary.name, after: now)
        entries[canary.name] = Entry(canary: canary, next: next, interval: Self.interval(schedule))
        dueTimes.push(DueItem(at: next, name: canary.name))
        dropStale()
    }

    /// Swaps in a new version of the same canary without touching its timing or running state.
    public mutating func update(_ canary: Canary, now: Date) {
        guard var entry = entries[canary.name] else { return add(canary, now: now) }
        if entry.canary.schedule != canary.schedule, let schedule = canary.schedule {
            entry.next = Self.first(schedule, name: canary.name, after: now)
            entry.queuedSince = nil
            entry.interval = Self.interval(schedule)
            dueTimes.push(DueItem(at: entry.next, name: canary.name))
        }
        entry.canary = canary
        entries[canary.name] = entry
        dropStale()
    }

    public mutating func remove(_ name: String) {
        entries[name] = nil
        dropStale()
    }

    /// Canaries to start now (at most `slots`, oldest due first), marked running, and what was
    /// skipped or missed. Every due time already past moves on to the next one after `now`.
    public mutating func due(at now: Date, slots: Int) -> (start: [Canary], notes: [Note]) {
        var notes: [Note] = []
        while let top = dueTimes.min, top.at <= now {
            dueTimes.popMin()
            guard var entry = entries[top.name], entry.next == top.at else { continue }
            let queued = entry.queuedSince
            notes += fallDue(&entry, name: top.name, now: now)
            entries[top.name] = entry
            if let since = entry.queuedSince, since != queued { waiting.push(DueItem(at: since, name: top.name)) }
            // A schedule that never fires again leaves the heap (it would be due forever).
            if entry.next > now { dueTimes.push(DueItem(at: entry.next, name: top.name)) }
        }
        var start: [Canary] = []
        while start.count < slots, let top = waiting.popMin() {
            guard var entry = entries[top.name], entry.queuedSince == top.at else { continue }
            queueDelay.seconds += max(0, now.timeIntervalSince(top.at))
            queueDelay.runs += 1
            entry.queuedSince = nil
            entry.runningSince = now
            entry.missedInARow = 0
            entries[top.name] = entry
            start.append(entry.canary)
        }
        dropStale()
        return (start, notes)
    }

    /// Pops the heaps' stale tops, so `nextDue` is a canary's due time and the heaps stay small.
    private mutating func dropStale() {
        while let top = dueTimes.min, entries[top.name]?.next != top.at { dueTimes.popMin() }
        while let top = waiting.min, entries[top.name]?.queuedSince != top.at { waiting.popMin() }
        // Reloads that change many schedules leave stale entries deeper down: rebuilt past 2×.
        if dueTimes.count > 2 * entries.count + 64 { dueTimes.filter { entries[$0.name]?.next == $0.at } }
        if waiting.count > 2 * entries.count + 64 { waiting.filter { entries[$0.name]?.queuedSince == $0.at } }
    }

    /// Handles the due times of `entry` up to `now`: queue the latest, skip what can't run.
    private mutating func fallDue(_ entry: inout Entry, name: String, now: Date) -> [Note] {
        guard let schedule = entry.canary.schedule else { return [] }
        var passed: [Date] = []
        while entry.next <= now, let following = Self.after(schedule, entry.next) {
            passed.append(entry.next)
            entry.next = following
        }
        guard let latest = passed.last else { return [] }
        if let since = entry.runningSince {
            skippedTotals[.running, default: 0] += passed.count
            return [.skipped(canary: name, reason: .running, seconds: now.timeIntervalSince(since))]
        }
        var notes: [Note] = []
        if let since = entry.queuedSince {
            skippedTotals[.queue, default: 0] += passed.count
            notes.append(.skipped(canary: name, reason: .queue, seconds: now.timeIntervalSince(since)))
        } else if passed.count > 1 {
            // Due times passed with nobody looking: the process was paused or stopped.
            let before = entry.missedInARow
            entry.missedInARow += passed.count - 1
            if before < 2 && entry.missedInARow >= 2 { notes.append(.missedTwo(canary: name)) }
        }
        entry.queuedSince = latest
        return notes
    }

    /// The run of `name` ended after `seconds`; its slot is free.
    public mutating func finished(_ name: String, seconds: Double) {
        guard var entry = entries[name] else { return }
        entry.runningSince = nil
        entry.meanSeconds = entry.meanSeconds.map { $0 * 0.8 + seconds * 0.2 } ?? seconds
        entries[name] = entry
    }

    /// The earliest due time on the book.
    public var nextDue: Date? { dueTimes.min?.at }

    /// The due time on the book of one canary.
    public func nextDue(of name: String) -> Date? { entries[name]?.next }

    public var runningCount: Int { entries.values.filter { $0.runningSince != nil }.count }

    /// Runs waiting for a slot.
    public var queuedCount: Int { entries.values.filter { $0.queuedSince != nil }.count }

    /// Slots the canaries need on average, from their measured run times: the sum over canaries
    /// of mean run time / interval. Above `--jobs`, runs wait and some are skipped.
    public var neededSlots: Double {
        entries.values.reduce(0) { sum, entry in
            guard let mean = entry.meanSeconds, let interval = entry.interval else { return sum }
            return sum + mean / interval
        }
    }

    /// Slots the canaries would need if every run lasted as long as its timeouts allow.
    public var worstCaseSlots: Double {
        entries.values.reduce(0) { sum, entry in
            guard let interval = entry.interval else { return sum }
            return sum + entry.canary.worstCaseSeconds / interval
        }
    }

    /// Seconds between two runs: a rate's interval, or the shortest gap among a cron's next fires.
    public static func interval(_ schedule: Schedule) -> Double? {
        switch schedule {
        case .rate(let interval, _): return interval.milliseconds / 1000
        case .cron:
            var date = Date()
            var gaps: [Double] = []
            for _ in 0..<8 {
                guard let next = schedule.nextFire(after: date) else { break }
                gaps.append(next.timeIntervalSince(date))
                date = next
            }
            return gaps.dropFirst().min()
        }
    }

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

    /// Due times of `schedule` after a run that started at `last`, up to `now` (at most `limit`
    /// counted): what nobody ran while the process was stopped or cron stopped calling.
    public static func dueTimes(_ schedule: Schedule, after last: Date, until now: Date, limit: Int = 1000) -> Int {
        if case .rate(let interval, _) = schedule {
            let seconds = interval.milliseconds / 1000
            guard seconds > 0, now > last else { return 0 }
            return min(Int((now.timeIntervalSince(last) / seconds).rounded(.down)), limit)
        }
        var count = 0
        var date = last
        while count < limit, let next = after(schedule, date), next <= now {
            count += 1
            date = next
        }
        return count
    }

    private static func after(_ schedule: Schedule, _ date: Date) -> Date? {
        switch schedule {
        case .rate(let interval, _): return date.addingTimeInterval(interval.milliseconds / 1000)
        case .cron: return schedule.nextFire(after: date)
        }
    }
}

extension Canary {
    /// The longest a run can last: its timeout for each attempt.
    public var worstCaseSeconds: Double { timeout.milliseconds / 1000 * Double(retries + 1) }
}
