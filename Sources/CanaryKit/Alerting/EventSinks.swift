import CurlEngine
import Foundation

/// Where events go: always `events.jsonl` in the results folder, then every `--webhook` URL
/// and the `--on-alarm` program. A failing sink becomes a warning, never an error, and a slow one
/// is cut off after a bounded time so it cannot hold up the canaries.
public final class EventSinks: Sendable {
    /// Where `events.jsonl` is appended to.
    public let resultsDirectory: String
    /// The `--webhook` URLs, each sent every event.
    public let webhooks: [String]
    /// The `--on-alarm` program and its arguments, started without a shell.
    public let onAlarm: [String]?
    /// Per webhook attempt and per program run.
    public let timeout: Duration
    /// Extra webhook attempts after a transport error or a 5xx, 408 or 429.
    public let retries: Int
    private let engine: CurlEngine

    /// `timeout` bounds each webhook attempt and each program run; `retries` is the number of
    /// extra webhook attempts after a transport error or a 5xx.
    public init(
        resultsDirectory: String, webhooks: [String], onAlarm: [String]?, engine: CurlEngine,
        timeout: Duration = .seconds(5), retries: Int = 2
    ) {
        self.resultsDirectory = resultsDirectory
        self.webhooks = webhooks
        self.onAlarm = onAlarm.flatMap { $0.isEmpty ? nil : $0 }
        self.engine = engine
        self.timeout = timeout
        self.retries = max(0, retries)
    }

    /// Appends `events` to `events.jsonl` in order, then delivers each to every webhook and to the
    /// program, all at once. Returns one line per failed delivery for the caller to print.
    public func deliver(_ events: [AlarmEvent]) async -> [String] {
        guard !events.isEmpty else { return [] }
        var warnings: [String] = []
        var payloads: [[UInt8]] = []
        for event in events {
            do {
                payloads.append(try event.jsonBytes())
            } catch {
                warnings.append("event \(event.id): cannot be encoded as JSON: \(error)")
            }
        }
        if let problem = appendToLog(payloads) { warnings.append(problem) }
        warnings += await deliverToOthers(payloads)
        return warnings
    }

    /// The log comes first and alone: it is the record of what happened even when every other
    /// sink is down, and an fsync per line keeps a crash from losing an event already announced.
    private func appendToLog(_ payloads: [[UInt8]]) -> String? {
        let path = resultsDirectory + "/events.jsonl"
        do throws(RecordingError) {
            try FileIO.makeDirectory(resultsDirectory)
            let fd = try FileIO.openLog(path)
            defer { close(fd) }
            for payload in payloads {
                try FileIO.append(payload + [UInt8(ascii: "\n")], to: fd, path: path)
            }
            return nil
        } catch {
            return "events.jsonl: \(error)"
        }
    }

    private func deliverToOthers(_ payloads: [[UInt8]]) async -> [String] {
        guard !payloads.isEmpty, !webhooks.isEmpty || onAlarm != nil else { return [] }
        let session = engine.makeSession()
        defer { engine.close(session) }
        let webhook = WebhookDelivery(engine: engine, session: session, timeout: timeout, retries: retries)
        let program = onAlarm.map { ProgramDelivery(argv: $0, timeout: timeout) }
        return await withTaskGroup(of: String?.self) { group in
            for payload in payloads {
                for (index, url) in webhooks.enumerated() {
                    let label = webhooks.count > 1 ? "webhook \(index + 1) \(WebhookDelivery.display(url))" : "webhook \(WebhookDelivery.display(url))"
                    group.addTask { await webhook.post(payload, to: url, label: label) }
                }
                if let program {
                    group.addTask { await program.run(with: payload) }
                }
            }
            var warnings: [String] = []
            for await warning in group {
                if let warning { warnings.append(warning) }
            }
            return warnings
        }
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
