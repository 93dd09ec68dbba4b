import Foundation

/// What the listener of `canary schedule --listen` serves, as the scheduler last published it:
/// the metrics of metrics.prom, the scheduler's own figures and each canary's latest runs. A value:
/// the listener renders from a copy, never under the scheduler's lock.
public struct StatusSnapshot: Sendable {
    /// Runs of each canary kept for the status page.
    public static let recentRuns = 20

    /// The canaries are loaded and the first run of each is on the book (`/-/ready`).
    public var ready = false
    public var canaries: [CanaryMetrics] = []
    /// The latest runs of each canary, oldest first, already redacted.
    public var recent: [String: [RunRecord]] = [:]
    public var scheduler: SchedulerMetrics?
    public var runsInFlight = 0
    /// Time due runs waited for a --jobs slot: the sum in seconds and the count of runs.
    public var queueDelaySeconds = 0.0
    public var queueDelayCount = 0
    /// What the results store holds (`canary_results_bytes`), nil before it is known.
    public var resultsBytes: Int?
    /// Every secret the runs used: every body served is masked with them (the one redactor).
    public var secrets: Set<String> = []
    /// Bumped by each publish: renders are cached per generation.
    public var generation = 0

    public init() {}
}

/// The one place the scheduler publishes to and the listener reads from. Each side holds the lock
/// only to copy a value in or out.
public final class StatusBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var current = StatusSnapshot()

    public init() {}

    public var snapshot: StatusSnapshot {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Changes the snapshot in place (brief: the closure only assigns fields) and bumps the generation.
    public func update(_ change: (inout StatusSnapshot) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&current)
        current.generation += 1
    }

    /// A finished run (redacted), with the secrets it used.
    public func add(_ record: RunRecord, secrets: Set<String>) {
        update { snapshot in
            var runs = snapshot.recent[record.canary] ?? []
            runs.append(record)
            if runs.count > StatusSnapshot.recentRuns { runs.removeFirst(runs.count - StatusSnapshot.recentRuns) }
            snapshot.recent[record.canary] = runs
            if !secrets.isSubset(of: snapshot.secrets) { snapshot.secrets.formUnion(secrets) }
        }
    }
}
