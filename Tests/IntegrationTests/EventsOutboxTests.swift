@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// The outbox against real receivers: retries honouring `Retry-After`, order per canary,
/// delivery across invocations, and the age limit.
@Suite("event outbox")
struct EventsOutboxTests {
    /// `count` run events of canary `canary`, runIds `<canary>-1`, `<canary>-2`…
    private static func events(_ count: Int, canary: String = "checkout") -> [AlarmEvent] {
        (1...count).map { index in
            var run = EventsFiles.run(passed: index % 2 == 0, runId: "\(canary)-\(index)")
            run.canary = canary
            return AlarmEvent.runFinished(run, now: Date())
        }
    }

    @Test("a receiver answering 429 with Retry-After: 1 (one event a second, as Slack) gets all 10 events of a canary, in order")
    func rateLimitedReceiver() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "limit", folder: folder)
        defer { receiver.stop() }
        let events = Self.events(10)
        let sinks = EventSinks(
            resultsDirectory: folder, webhooks: [receiver.url], onAlarm: nil, engine: TestServers.engine, timeout: .seconds(20))
        let warnings = await sinks.deliver(events)
        #expect(EventsFiles.ids(receiver.received) == events.map(\.id))
        // Retried and delivered within the pass: nothing to warn about, nothing left over.
        #expect(warnings == [])
        #expect(!FileManager.default.fileExists(atPath: folder + "/outbox.jsonl"))
    }

    @Test("two canaries' events to a rate-limited receiver: each canary's in order, both complete")
    func orderPerCanary() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "limit", folder: folder)
        defer { receiver.stop() }
        let first = Self.events(3, canary: "a"), second = Self.events(3, canary: "b")
        let sinks = EventSinks(
            resultsDirectory: folder, webhooks: [receiver.url], onAlarm: nil, engine: TestServers.engine, timeout: .seconds(15))
        _ = await sinks.deliver(zip(first, second).flatMap { [$0, $1] })
        let received = receiver.received
        let canaryOf = { (event: [String: Any]) in (event["detail"] as? [String: Any])?["canary"] as? String }
        #expect(EventsFiles.ids(received.filter { canaryOf($0) == "a" }) == first.map(\.id))
        #expect(EventsFiles.ids(received.filter { canaryOf($0) == "b" }) == second.map(\.id))
    }

    @Test("events a down webhook missed are delivered by the next invocation once it is back, before the new one and in order")
    func acrossInvocations() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = try WebhookReceiver.freePort()
        let url = "http://127.0.0.1:\(port)/hooks/secret-token"
        let missed = Self.events(2)
        let down = EventSinks(resultsDirectory: folder, webhooks: [url], onAlarm: nil, engine: TestServers.engine, timeout: .seconds(1))
        let warnings = await down.deliver(missed)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("2 events kept in the outbox") == true)
        let outbox = try String(contentsOfFile: folder + "/outbox.jsonl", encoding: .utf8)
        #expect(!outbox.contains("secret-token"), "the outbox names sinks by a hash, never by their URL")

        let receiver = try WebhookReceiver(mode: "record", folder: folder, port: port)
        defer { receiver.stop() }
        let later = AlarmEvent.runFinished(EventsFiles.run(passed: true, runId: "checkout-3"), now: Date())
        // Another process: a new EventSinks reads the outbox from the file. The missed events were
        // retried 0.5 s later at the earliest: wait that out, as a later cron run would.
        try await Task.sleep(for: .milliseconds(600))
        let again = EventSinks(resultsDirectory: folder, webhooks: [url], onAlarm: nil, engine: TestServers.engine, timeout: .seconds(2))
        #expect(await again.deliver([later]) == [])
        #expect(EventsFiles.ids(receiver.received) == (missed + [later]).map(\.id))
        #expect(!FileManager.default.fileExists(atPath: folder + "/outbox.jsonl"))
    }

    @Test("events older than --sink-max-age are dropped with a logged count, once")
    func maxAge() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let url = "http://127.0.0.1:\(TestServers.closedPort)/hook"
        let sinks = EventSinks(resultsDirectory: folder, webhooks: [url], onAlarm: nil, engine: TestServers.engine, timeout: .milliseconds(300))
        _ = await sinks.deliver(Self.events(3))
        #expect(EventsFiles.jsonLines(folder + "/outbox.jsonl").count == 3)
        let hourLater = Date().addingTimeInterval(3601)
        let warnings = await sinks.drain(until: ContinuousClock.now + .milliseconds(300), now: hourLater)
        #expect(warnings.contains("webhook http://127.0.0.1:\(TestServers.closedPort)/…: dropped 3 events not delivered within --sink-max-age 1h"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/outbox.jsonl"))
        let again = await sinks.drain(until: ContinuousClock.now + .milliseconds(300), now: hourLater)
        #expect(again.allSatisfy { !$0.contains("dropped") })
    }
}
