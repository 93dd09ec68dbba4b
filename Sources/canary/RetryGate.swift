import Synchronization

/// Whether runs may start another attempt: shared with the run tasks, which read it between
/// attempts, without waiting for the daemon actor.
final class RetryGate: Sendable {
    private let open = Atomic<Bool>(true)
    var allowed: Bool { open.load(ordering: .relaxed) }
    func stop() { open.store(false, ordering: .relaxed) }
}
