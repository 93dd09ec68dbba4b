import CurlEngine
import Foundation

/// A configured sink that can be sent one event.
enum SinkSender: Sendable {
    case webhook(WebhookDelivery, url: String)
    case program(argv: [String])

    func attempt(_ payload: [UInt8], timeout: Duration) async -> SinkAttempt {
        switch self {
        case .webhook(let delivery, let url):
            return await delivery.attempt(payload, to: url, timeout: timeout)
        case .program(let argv):
            return await ProgramDelivery(argv: argv, timeout: timeout).run(with: payload)
        }
    }
}

/// One pass over the outbox until a deadline: each queue (one canary's events for one sink) is
/// worked in order, one event at a time, and stops at the first event it cannot deliver yet, so
/// a receiver never sees a canary's events out of order. Up to `parallel` queues at once.
struct OutboxPass: Sendable {
    let outbox: Outbox
    let senders: [String: SinkSender]
    let deadline: ContinuousClock.Instant
    /// The longest one attempt may take (never past the deadline).
    let attemptLimit: Duration
    var parallel = 8

    /// What happened to one sink's events in this pass.
    struct SinkResult: Sendable {
        var delivered = 0
        var failedAttempts = 0
        var lastProblem: String?
        var refused: [String] = []
    }

    /// Pause after the n-th failed attempt without `Retry-After`: 0.5 s, 1 s, 2 s … 60 s at most.
    static func backoff(afterAttempt n: Int) -> Duration {
        min(.milliseconds(500 << min(max(n - 1, 0), 7)), .seconds(60))
    }

    /// What a pass did: per sink id, and which entries to remove or update in the outbox.
    struct Report: Sendable {
        var sinks: [String: SinkResult] = [:]
        var done: Set<String> = []
        var retry: [String: OutboxEntry] = [:]
    }

    /// Works every queue whose sink is configured. The caller settles the outbox with the report.
    func run() async -> Report {
        let entries = await outbox.all()
        var queues: [String: [OutboxEntry]] = [:]
        var order: [String] = []
        for entry in entries where senders[entry.sink] != nil {
            if queues[entry.queue] == nil { order.append(entry.queue) }
            queues[entry.queue, default: []].append(entry)
        }
        var report = Report()
        await withTaskGroup(of: QueueOutcome.self) { group in
            var next = order.makeIterator()
            func addNext() -> Bool {
                guard let queue = next.next(), let items = queues[queue], let sender = senders[items[0].sink] else { return false }
                group.addTask { await work(items, with: sender) }
                return true
            }
            for _ in 0..<parallel where !addNext() { break }
            while let outcome = await group.next() {
                report.done.formUnion(outcome.done)
                report.retry.merge(outcome.retry) { _, new in new }
                report.sinks[outcome.sink, default: SinkResult()].merge(outcome.result)
                _ = addNext()
            }
        }
        return report
    }

    private struct QueueOutcome: Sendable {
        var sink: String
        var done: [String] = []
        var retry: [String: OutboxEntry] = [:]
        var result = SinkResult()
    }

    private func work(_ entries: [OutboxEntry], with sender: SinkSender) async -> QueueOutcome {
        let clock = ContinuousClock()
        var outcome = QueueOutcome(sink: entries[0].sink)
        for var entry in entries {
            let key = Outbox.key(entry)
            guard let payload = try? entry.event.jsonBytes() else {
                outcome.done.append(key)
                outcome.result.refused.append("event \(entry.event.id) cannot be encoded as JSON")
                continue
            }
            while true {
                let wait = entry.notBefore - Date().timeIntervalSince1970
                if wait > 0 {
                    let pause = Duration.milliseconds(Int(wait * 1000))
                    guard clock.now + pause < deadline else { return outcome }
                    try? await Task.sleep(for: pause)
                }
                let remaining = deadline - clock.now
                guard remaining > .milliseconds(50), !Task.isCancelled else { return outcome }
                // Whole milliseconds, so that a message reads "timed out after 944ms".
                let limit = Duration.milliseconds((min(attemptLimit, remaining) / .milliseconds(1)).rounded(.down))
                switch await sender.attempt(payload, timeout: limit) {
                case .delivered:
                    outcome.done.append(key)
                    outcome.result.delivered += 1
                case .refused(let problem):
                    outcome.done.append(key)
                    outcome.result.refused.append("event \(entry.event.id) refused (\(problem)); dropped")
                case .cancelled:
                    return outcome
                case .retryable(let problem, let retryAfter):
                    entry.attempts += 1
                    let pause = retryAfter ?? Self.backoff(afterAttempt: entry.attempts)
                    entry.notBefore = Date().timeIntervalSince1970 + Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18
                    outcome.retry[key] = entry
                    outcome.result.failedAttempts += 1
                    outcome.result.lastProblem = problem
                    continue
                }
                break
            }
        }
        return outcome
    }
}

extension OutboxPass.SinkResult {
    mutating func merge(_ other: Self) {
        delivered += other.delivered
        failedAttempts += other.failedAttempts
        lastProblem = other.lastProblem ?? lastProblem
        refused += other.refused
    }
}
