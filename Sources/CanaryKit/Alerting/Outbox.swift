import Foundation

/// One event waiting for one sink: a line of `outbox.jsonl`.
struct OutboxEntry: Sendable, Codable, Equatable {
    /// `SinkKey.id` of the sink: a hash, never the URL, whose path or query often is the secret.
    var sink: String
    /// Events of one canary go to one sink one at a time, in the order they were queued.
    var canary: String
    /// Seconds since 1970 when queued; past `--sink-max-age` the entry is dropped.
    var queuedAt: Double
    /// Seconds since 1970 before which no attempt is made (backoff, `Retry-After`).
    var notBefore: Double
    /// Failed attempts so far.
    var attempts: Int
    var event: AlarmEvent

    /// Deliveries of one canary's events to one sink happen in this queue, in order.
    var queue: String { sink + "\u{0}" + canary }
}

/// A sink as the outbox knows it: a stable id for the file, a label for the log.
struct SinkKey: Sendable, Hashable {
    /// `webhook-<hash of the URL>` or `program-<hash of argv>`.
    let id: String
    /// As logged: `webhook http://host:port/…`, `on-alarm /path/to/program`.
    let label: String

    static func webhook(_ url: String, label: String) -> SinkKey {
        SinkKey(id: "webhook-" + fnv1a(Array(url.utf8)), label: label)
    }

    static func program(_ argv: [String], flag: String = "on-alarm") -> SinkKey {
        SinkKey(id: "\(flag)-" + fnv1a(Array(argv.joined(separator: "\u{0}").utf8)), label: "\(flag) \(argv.first ?? "")")
    }

    /// 64-bit FNV-1a in hex: stable across runs and builds (Swift's `Hasher` is seeded per process).
    private static func fnv1a(_ bytes: [UInt8]) -> String {
        let hex = String(Shard.fnv1a(String(decoding: bytes, as: UTF8.self)), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// `<results>/outbox.jsonl`: the events not yet delivered, one line per event and sink, so a
/// slow or failing sink gets them later, in another run or after a restart, until they are
/// `maxAge` old. Rewritten whole by temp file + rename after each change, so a crash leaves
/// the old list or the new one; a delivery whose removal a crash lost is sent again (at least
/// once: receivers de-duplicate by the event `id`, which stays the same).
actor Outbox {
    static let fileName = "outbox.jsonl"
    let path: String
    private var entries: [OutboxEntry]?
    /// Sinks that failed and have not delivered since: when, and how many failed attempts.
    private var down: [String: (since: ContinuousClock.Instant, failures: Int)] = [:]

    init(directory: String) {
        path = directory + "/" + Self.fileName
    }

    /// The entries, read from the file on first use. Lines that don't decode are skipped: an
    /// outbox damaged by hand must not stop canaries from running.
    func all() -> [OutboxEntry] {
        if let entries { return entries }
        let decoder = JSONDecoder()
        let text = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        let loaded = text.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(OutboxEntry.self, from: Data($0)) }
        entries = loaded
        return loaded
    }

    /// Queues each sink's events, in order, and saves before anything is sent.
    func enqueue(_ batches: [(sink: SinkKey, events: [AlarmEvent])], now: Date) throws(RecordingError) {
        guard batches.contains(where: { !$0.events.isEmpty }) else { return }
        var entries = all()
        let time = now.timeIntervalSince1970
        for (sink, events) in batches {
            for event in events {
                entries.append(OutboxEntry(
                    sink: sink.id, canary: event.detail.canary, queuedAt: time, notBefore: time, attempts: 0, event: event))
            }
        }
        self.entries = entries
        try save()
    }

    /// Drops entries older than `maxAge`; returns how many, by sink id.
    func expire(maxAge: Duration, now: Date) -> [String: Int] {
        let limit = now.timeIntervalSince1970 - Double(maxAge.components.seconds)
        var dropped: [String: Int] = [:]
        entries = all().filter { entry in
            guard entry.queuedAt < limit else { return true }
            dropped[entry.sink, default: 0] += 1
            return false
        }
        return dropped
    }

    /// After a pass: `done` entries (delivered, or refused for good) leave; `retry` ones are
    /// replaced by their updated copies (attempts, notBefore).
    func settle(done: Set<String>, retry: [String: OutboxEntry]) throws(RecordingError) {
        entries = all().compactMap { entry in
            let key = Self.key(entry)
            if done.contains(key) { return nil }
            return retry[key] ?? entry
        }
        try save()
    }

    /// The log lines for `sink` after a pass: one when it starts failing, none while it stays
    /// down, one when it delivers again (with how long and how many attempts it was down).
    func health(of sink: SinkKey, after result: OutboxPass.SinkResult, waiting: Int, maxAge: Duration) -> [String] {
        var lines = result.refused.map { "\(sink.label): \($0)" }
        if let outage = down[sink.id] {
            if waiting == 0 || (result.delivered > 0 && result.failedAttempts == 0) {
                down[sink.id] = nil
                let failures = outage.failures + result.failedAttempts
                let length = Duration.seconds(Int((ContinuousClock.now - outage.since).components.seconds))
                lines.append("\(sink.label): delivering again after \(failures) failed attempt\(failures == 1 ? "" : "s") over \(length.humanText); \(waiting) event\(waiting == 1 ? "" : "s") waiting")
            } else {
                down[sink.id]?.failures += result.failedAttempts
            }
        } else if result.failedAttempts > 0, waiting > 0, let problem = result.lastProblem {
            down[sink.id] = (ContinuousClock.now, result.failedAttempts)
            let attempts = result.failedAttempts
            lines.append("\(sink.label): \(problem) (\(attempts) attempt\(attempts == 1 ? "" : "s")); \(waiting) event\(waiting == 1 ? "" : "s") kept in the outbox, retried until delivered or \(maxAge.humanText) old (no more warnings until it recovers)")
        }
        return lines
    }

    /// An entry's identity: its event for its sink.
    static func key(_ entry: OutboxEntry) -> String { entry.sink + "/" + entry.event.id }

    private func save() throws(RecordingError) {
        let entries = all()
        if entries.isEmpty {
            if unlink(path) != 0 && errno != ENOENT { throw RecordingError("remove", path) }
            return
        }
        try FileIO.writeAtomically(to: path) { (out: inout FileIO.ChunkedOutput) throws(RecordingError) in
            for entry in entries {
                do {
                    try out.append(try RecordJSON.bytes(entry) + [UInt8(ascii: "\n")])
                } catch let error as RecordingError {
                    throw error
                } catch {
                    throw RecordingError(action: "encode an event for", path: path, reason: "\(error)")
                }
            }
        }
    }
}
