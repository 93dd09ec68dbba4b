import Foundation

/// The canaries a process loaded, as removal needs them: by name, and the files that yielded one.
public struct CanaryInventory: Sendable {
    /// Names of every canary loaded (selected to run or not).
    public var names: Set<String>
    /// Absolute paths of the files that loaded a canary.
    public var files: Set<String>

    public init(_ canaries: [Canary]) {
        names = Set(canaries.map(\.name))
        files = Set(canaries.map { LocalPath.absolute($0.file) })
    }
}

/// When a canary whose file is gone leaves the outputs. A canary is gone when it was not loaded
/// and the file it last ran from no longer exists, or was loaded and now declares another name;
/// a file that is broken, or was not named this time, keeps its canary. A canary stays gone for
/// the grace period (`--forget-after`) before it is removed, so a file moved away and back, or
/// renamed with an explicit `name`, keeps its alarm.
public enum CanaryRemoval {
    public static func isGone(_ name: String, _ state: CanaryState, in inventory: CanaryInventory, fileExists: (String) -> Bool) -> Bool {
        guard !inventory.names.contains(name), !state.file.isEmpty else { return false }
        return !fileExists(state.file) || inventory.files.contains(state.file)
    }

    /// Marks newly gone canaries (`goneSince`), clears the mark of those back, and removes from
    /// `states` the ones gone for `grace`, returning them as they were, with their removal event.
    /// `changed` is told each canary whose state it changed or removed.
    public static func sweep(
        _ states: inout [String: CanaryState], inventory: CanaryInventory, grace: Duration, now: Date,
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }, changed: (String) -> Void = { _ in }
    ) -> [(name: String, state: CanaryState, event: AlarmEvent)] {
        var removed: [(name: String, state: CanaryState, event: AlarmEvent)] = []
        for (name, state) in states {
            guard isGone(name, state, in: inventory, fileExists: fileExists) else {
                if state.goneSince != nil {
                    states[name]?.goneSince = nil
                    changed(name)
                }
                continue
            }
            let since = state.goneSince.flatMap(RunID.date(fromISO8601:)) ?? now
            if state.goneSince == nil {
                states[name]?.goneSince = RunID.iso8601(now)
                changed(name)
            }
            guard now.timeIntervalSince(since) >= Double(grace.components.seconds) else { continue }
            states[name] = nil
            changed(name)
            let reason = "its file \(state.file) is gone or names another canary since \(RunID.iso8601(since)) (--forget-after \(grace.humanText))"
            removed.append((name, state, removalEvent(name, state, reason: reason, now: now)))
        }
        return removed.sorted { $0.name < $1.name }
    }

    /// Whether a canary marked gone has reached the end of its grace by `now` (the scheduler then
    /// flushes, to remove it).
    public static func due(_ states: [String: CanaryState], grace: Duration, now: Date) -> Bool {
        states.values.contains { state in
            state.goneSince.flatMap(RunID.date(fromISO8601:)).map { now.timeIntervalSince($0) >= Double(grace.components.seconds) } ?? false
        }
    }

    /// The `Canary Removed` event: the canary's alarm (`previousState`) ends here.
    public static func removalEvent(_ name: String, _ state: CanaryState, reason: String, now: Date) -> AlarmEvent {
        let detail = AlarmEvent.Detail(
            canary: name, runId: state.last?.runId ?? "", tags: state.tags, step: nil, failure: nil,
            previousState: state.state, reason: reason)
        return AlarmEvent(id: AlarmEvent.newID(), detailType: AlarmEvent.removedType, time: AlarmEvent.timestamp(now), detail: detail)
    }
}
