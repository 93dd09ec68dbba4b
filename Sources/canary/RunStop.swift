import Foundation
import Locking

/// SIGTERM or SIGINT during `canary run` (a CI job cancelled, a pod deleted, Ctrl-C): the first
/// stops the batch — no canary starts, running ones are cancelled and recorded as cancelled — and
/// lets the records, state, metrics, events, summary and JUnit be written; the second exits at once.
final class RunStop: Sendable {
    private struct State {
        var signal: Int32?
        var stopBatch: (@Sendable () -> Void)?
    }
    private let state = Locked(State())
    private let signals: AsyncStream<Int32>

    /// Takes over SIGTERM and SIGINT from now on.
    init() {
        signals = signalStream([SIGTERM, SIGINT])
    }

    /// The signal that stopped the run, if one did.
    var signal: Int32? { state.withLock { $0.signal } }

    /// Watches for the signals until the returned task is cancelled.
    func watch() -> Task<Void, Never> {
        Task { [self, signals] in
            for await number in signals {
                let stopBatch = state.withLock { state -> (@Sendable () -> Void)?? in
                    guard state.signal == nil else { return .none }
                    state.signal = number
                    return .some(state.stopBatch)
                }
                guard let stopBatch else {
                    Console.error("run: \(Self.name(number)) again: exiting now; results of this run may be incomplete")
                    exit(128 + number)
                }
                Console.error("run: \(Self.name(number)): starting no more canaries, cancelling the running ones, writing results "
                    + "(\(Self.name(number)) again to exit at once)")
                stopBatch?()
            }
        }
    }

    /// `stop` runs when a signal comes (at once if one came already).
    func onStop(_ stop: @escaping @Sendable () -> Void) {
        let already = state.withLock { state -> Bool in
            state.stopBatch = stop
            return state.signal != nil
        }
        if already { stop() }
    }

    static func name(_ number: Int32) -> String {
        number == SIGTERM ? "SIGTERM" : number == SIGINT ? "SIGINT" : "signal \(number)"
    }
}
