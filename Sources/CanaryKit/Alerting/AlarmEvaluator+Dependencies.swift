import Foundation

/// `dependsOn`: while a dependency is in ALARM (the run's `suppressedBy`), a failing run of a
/// dependent that is not in ALARM is counted (runs, last run, metrics) but is no datapoint, so it
/// cannot move the alarm to ALARM: one alert for the shared cause, not one per dependent. A
/// passing run, or a dependent already in ALARM, is evaluated as usual. Its failures during the
/// hold never count later, so the dependency's recovery alarms no dependent that recovered too.
extension AlarmEvaluator {
    static func heldForDependency(_ run: RunRecord, good: Bool, _ state: CanaryState) -> CanaryState? {
        guard let suppressors = run.suppressedBy, !suppressors.isEmpty, !good, state.state != .alarm else { return nil }
        var next = state
        if run.passed { next.runsPassed += 1 } else { next.runsFailed += 1 }
        if run.flaky == true { next.runsFlaky += 1 }
        next.last = run.trimmedForState
        next.tags = run.tags
        if !run.file.isEmpty { next.file = LocalPath.absolute(run.file) }
        return next
    }
}

extension Canary {
    /// `canaries` with each one's dependencies (those in the batch) before it, otherwise in the
    /// given order: a batch records a dependency's run before its dependent's is judged.
    public static func inDependencyOrder(_ canaries: [Canary]) -> [Canary] {
        // Without dependencies the order stands: no copy of every canary (a dictionary of
        // 10,000 canaries by name was 6 MB of a run's peak).
        guard canaries.contains(where: { !$0.dependsOn.isEmpty }) else { return canaries }
        let byName = Dictionary(canaries.indices.map { (canaries[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        var placed: Set<String> = [], ordered: [Canary] = []
        ordered.reserveCapacity(canaries.count)
        func place(_ index: Int, visiting: Set<String>) {
            let canary = canaries[index]
            guard !placed.contains(canary.name), !visiting.contains(canary.name) else { return }
            for name in canary.dependsOn { if let dependency = byName[name] { place(dependency, visiting: visiting.union([canary.name])) } }
            placed.insert(canary.name)
            ordered.append(canary)
        }
        for index in canaries.indices { place(index, visiting: []) }
        return ordered
    }
}

/// One `canary run` batch: a dependent's run waits to be judged until its dependencies in the
/// batch have been counted. Started in dependency order, so a waiting dependent never holds the
/// slot its dependency needs.
public actor DependencyGate {
    /// The canaries of the batch some canary depends on: only theirs are waited for and noted
    /// (every name of a batch, twice, was 50 bytes a canary kept to its end).
    private let inBatch: Set<String>
    private var counted: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init(batch: [Canary]) {
        let dependedOn = Set(batch.lazy.flatMap(\.dependsOn))
        inBatch = dependedOn.isEmpty ? [] : Set(batch.lazy.map(\.name).filter(dependedOn.contains))
    }

    /// Returns once every one of `names` that is in the batch has been counted.
    public func wait(for names: [String]) async {
        for name in names where inBatch.contains(name) && !counted.contains(name) {
            await withCheckedContinuation { waiting[name, default: []].append($0) }
        }
    }

    /// `name`'s run has been counted into the alarm state.
    public func counted(_ name: String) {
        guard inBatch.contains(name) else { return }
        counted.insert(name)
        for continuation in waiting.removeValue(forKey: name) ?? [] { continuation.resume() }
    }
}
