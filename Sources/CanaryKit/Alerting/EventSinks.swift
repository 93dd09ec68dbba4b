import CurlEngine
import Foundation

/// Where events go: always `events.jsonl` in the results folder, then, through the outbox, every
/// `--webhook` URL and the `--on-alarm` program: at least once, in order per canary, retried
/// (honouring `Retry-After`) across runs and restarts until `maxAge`. A failing sink becomes a
/// warning, never an error, and the time a run waits for its sinks is bounded by `timeout`.
public final class EventSinks: Sendable {
    /// Where `events.jsonl` and `outbox.jsonl` are.
    public let resultsDirectory: String
    /// The `--webhook` URLs, each sent every event.
    public let webhooks: [String]
    /// The `--on-alarm` program and its arguments, started without a shell: alarm state changes.
    public let onAlarm: [String]?
    /// The `--on-run` program and its arguments: run events (`--run-events`).
    public let onRun: [String]?
    /// `--sink-timeout`: the whole time one delivery pass may take, every sink and retry included.
    public let timeout: Duration
    /// `--sink-max-age`: an event not delivered by then is dropped (and the drop logged).
    public let maxAge: Duration
    private let engine: CurlEngine
    let outbox: Outbox

    /// `outbox` is shared by the passes of one process (the scheduler's flushes), so that it
    /// remembers which sinks are down; a new one reads `outbox.jsonl`.
    public convenience init(
        resultsDirectory: String, webhooks: [String], onAlarm: [String]?, onRun: [String]? = nil, engine: CurlEngine,
        timeout: Duration = .seconds(5), maxAge: Duration = .seconds(3600)
    ) {
        self.init(resultsDirectory: resultsDirectory, webhooks: webhooks, onAlarm: onAlarm, onRun: onRun, engine: engine,
                  timeout: timeout, maxAge: maxAge, outbox: Outbox(directory: resultsDirectory))
    }

    init(
        resultsDirectory: String, webhooks: [String], onAlarm: [String]?, onRun: [String]? = nil, engine: CurlEngine,
        timeout: Duration, maxAge: Duration, outbox: Outbox
    ) {
        self.onRun = onRun.flatMap { $0.isEmpty ? nil : $0 }
        self.resultsDirectory = resultsDirectory
        self.webhooks = webhooks
        self.onAlarm = onAlarm.flatMap { $0.isEmpty ? nil : $0 }
        self.engine = engine
        self.timeout = timeout
        self.maxAge = maxAge
        self.outbox = outbox
    }

    /// `record(_:)`, then one `drain` bounded by `timeout`. Returns lines for the console.
    public func deliver(_ events: [AlarmEvent]) async -> [String] {
        let recorded = await record(events)
        return await recorded + drain(until: ContinuousClock.now + timeout)
    }

    /// Appends `events` to `events.jsonl` in order and queues them in the outbox for every sink,
    /// both durable before this returns.
    func record(_ events: [AlarmEvent], now: Date = Date()) async -> [String] {
        guard !events.isEmpty else { return [] }
        var warnings: [String] = []
        let (unencodable, problem) = appendToLog(events)
        for (index, error) in unencodable.sorted(by: { $0.key < $1.key }) {
            warnings.append("event \(events[index].id): cannot be encoded as JSON: \(error)")
        }
        if let problem { warnings.append(problem) }
        do throws(RecordingError) {
            let keys = sinkKeys
            if !keys.isEmpty {
                let encoded = unencodable.isEmpty ? events : events.indices.filter { unencodable[$0] == nil }.map { events[$0] }
                try await outbox.enqueue(keys.map { sink in (sink.key, encoded.filter(sink.accepts)) }, now: now)
            }
        } catch {
            warnings.append("\(error) (these events go to events.jsonl only)")
        }
        return warnings
    }

    /// Delivers what waits in the outbox until `deadline`, after dropping what is older than
    /// `maxAge`. Returns warnings: one per sink when it goes down, one when it recovers.
    func drain(until deadline: ContinuousClock.Instant, now: Date = Date()) async -> [String] {
        let keys = sinkKeys
        let labels = Dictionary(keys.map { ($0.key.id, $0.key.label) }, uniquingKeysWith: { first, _ in first })
        var warnings: [String] = []
        for (sink, count) in await outbox.expire(maxAge: maxAge, now: now).sorted(by: { $0.key < $1.key }) {
            let label = labels[sink] ?? "a sink no longer configured"
            warnings.append("\(label): dropped \(count) event\(count == 1 ? "" : "s") not delivered within --sink-max-age \(maxAge.humanText)")
        }
        guard !keys.isEmpty else { return warnings }
        let session = engine.makeSession()
        defer { engine.close(session) }
        let webhook = WebhookDelivery(engine: engine, session: session)
        var senders: [String: SinkSender] = [:]
        for (key, target, _) in keys {
            switch target {
            case .webhook(let url): senders[key.id] = .webhook(webhook, url: url)
            case .program(let argv): senders[key.id] = .program(argv: argv)
            }
        }
        let pass = OutboxPass(outbox: outbox, senders: senders, deadline: deadline, attemptLimit: timeout)
        // A backstop for a sink that ignores its own timeout: the pass is cancelled a little
        // after the deadline, and what it had not settled stays in the outbox.
        // A program is killed a second after its SIGTERM: the backstop leaves it that second.
        let slack = deadline - ContinuousClock.now + .milliseconds(1500)
        let report = await withDeadline(slack, onTimeout: OutboxPass.Report()) { await pass.run() }
        do throws(RecordingError) {
            try await outbox.settle(done: report.done, retry: report.retry)
        } catch {
            warnings.append("\(error) (delivered events may be sent again)")
        }
        let results = report.sinks
        let waiting = await outbox.all()
        for (key, _, _) in keys {
            let left = waiting.filter { $0.sink == key.id }.count
            warnings += await outbox.health(of: key, after: results[key.id] ?? .init(), waiting: left, maxAge: maxAge)
        }
        return warnings
    }

    private enum Target { case webhook(String), program([String]) }

    /// Every configured sink, labelled as the log shows it (webhook URLs without path or query),
    /// and which events it takes: webhooks all, `--on-alarm` state changes and removals, `--on-run` run events.
    private var sinkKeys: [(key: SinkKey, target: Target, accepts: @Sendable (AlarmEvent) -> Bool)] {
        var keys: [(key: SinkKey, target: Target, accepts: @Sendable (AlarmEvent) -> Bool)] = webhooks.enumerated().map { index, url in
            let label = webhooks.count > 1 ? "webhook \(index + 1) \(WebhookDelivery.display(url))" : "webhook \(WebhookDelivery.display(url))"
            return (SinkKey.webhook(url, label: label), .webhook(url), { _ in true })
        }
        if let onAlarm {
            keys.append((SinkKey.program(onAlarm, flag: "on-alarm"), .program(onAlarm), { $0.isAboutAlarmState }))
        }
        if let onRun {
            keys.append((SinkKey.program(onRun, flag: "on-run"), .program(onRun), { !$0.isAboutAlarmState }))
        }
        return keys
    }

    /// The log comes first and alone: it is the record of what happened even when every other
    /// sink is down, and it is on disk before any sink is told, so a crash never loses an event
    /// already announced. The batch goes in one write and one fsync (an fsync per line cost 1-2 ms
    /// each: seconds for the first run of thousands of canaries); a full disk cuts it back whole.
    /// Appends the events' lines in 256 KB writes, then one fsync: the lines of 10,000 events
    /// (a first run of 10,000 canaries) are 6 MB, which held whole, and once more as one buffer,
    /// were the top of that run's peak memory. A write that fails cuts the file back to where
    /// the batch began, as a single write did. Returns the indices of events that could not be
    /// encoded (left out) and the problem writing, if any.
    private func appendToLog(_ events: [AlarmEvent]) -> (unencodable: [Int: String], problem: String?) {
        var unencodable: [Int: String] = [:]
        let problem = appendToLog { (write: ([UInt8]) throws(RecordingError) -> Void) throws(RecordingError) in
            var lines: [UInt8] = []
            let chunk = 256 << 10
            lines.reserveCapacity(chunk + 4096)
            for (index, event) in events.enumerated() {
                let payload: [UInt8]
                do {
                    payload = try event.jsonBytes()
                } catch {
                    unencodable[index] = "\(error)"
                    continue
                }
                lines += payload
                lines.append(UInt8(ascii: "\n"))
                if lines.count >= chunk {
                    try write(lines)
                    lines.removeAll(keepingCapacity: true)
                }
            }
            if !lines.isEmpty { try write(lines) }
        }
        return (unencodable, problem)
    }

    /// Appends what `produce` writes to `events.jsonl`, then fsyncs; a failure cuts the file back
    /// to where it ended and is returned for the console.
    private func appendToLog(
        _ produce: (_ write: ([UInt8]) throws(RecordingError) -> Void) throws(RecordingError) -> Void
    ) -> String? {
        let path = resultsDirectory + "/events.jsonl"
        do throws(RecordingError) {
            try FileIO.makeDirectory(resultsDirectory)
            let fd = try FileIO.openLog(path)
            defer { close(fd) }
            let start = lseek(fd, 0, SEEK_END)
            do throws(RecordingError) {
                try produce { (bytes: [UInt8]) throws(RecordingError) in try FileIO.writeAll(fd, bytes, path: path) }
                if fsync(fd) != 0 { throw RecordingError("fsync", path) }
            } catch {
                if start >= 0 { _ = ftruncate(fd, start) }
                throw error
            }
            return nil
        } catch {
            return "events.jsonl: \(error)"
        }
    }

    /// Whether events go to `events.jsonl` alone (no webhook, `--on-alarm` or `--on-run`): then a
    /// batch may gather them as lines (`EventSpill`) instead of as events.
    var logsOnly: Bool { webhooks.isEmpty && onAlarm == nil && onRun == nil }

    /// `record(_:)` for the events gathered in `spill` (only when `logsOnly`): their lines go to
    /// `events.jsonl` in one append and one fsync, with the same warnings. Empties `spill`.
    func record(spilled spill: EventSpill) -> [String] {
        defer { spill.clear() }
        var warnings = spill.warnings
        guard spill.count > 0 else { return warnings }
        if let problem = appendToLog({ (write: ([UInt8]) throws(RecordingError) -> Void) throws(RecordingError) in
            try spill.forEachPiece(write)
        }) {
            warnings.append(problem)
        }
        return warnings
    }
}

/// Runs `work`, or gives up after `limit`: the loser is cancelled and awaited, so `work` must end
/// promptly on cancellation (libcurl transfers and `Task.sleep` do).
func withDeadline<T: Sendable>(
    _ limit: Duration, onTimeout: T, _ work: @escaping @Sendable () async -> T
) async -> T {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await work() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first ?? onTimeout
    }
}
