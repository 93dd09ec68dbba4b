@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// Event sinks against real local receivers: events.jsonl, webhooks (scripts/webhook-receiver.py)
/// and an --on-alarm program, across separate "invocations" that share only state.json.
@Suite("event sinks")
struct EventsSinkTests {
    @Test("four invocations failing, failing, passing, passing (rule 2 of 3) alarm after the 2nd and clear after the 4th, in every sink")
    func fourInvocations() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        defer { receiver.stop() }
        let results = folder + "/results"
        let programOutput = folder + "/on-alarm.jsonl"
        let rule = AlarmRule(evaluationPeriods: 3, datapointsToAlarm: 2)

        for (index, passed) in [false, false, true, true].enumerated() {
            // Each pass is one `canary run`: load state, count the run, save state, deliver.
            var states = try StateFile.load(directory: results)
            let run = EventsFiles.run(passed: passed, runId: "run-\(index + 1)")
            let (next, event) = AlarmEvaluator.record(run, rule: rule, into: states["checkout"] ?? CanaryState(), now: Date())
            states["checkout"] = next
            try StateFile.save(states, directory: results)
            let sinks = EventSinks(
                resultsDirectory: results, webhooks: [receiver.url],
                onAlarm: ["/bin/sh", "-c", "cat >> '\(programOutput)'"], engine: TestServers.engine)
            let warnings = await sinks.deliver(event.map { [$0] } ?? [])
            #expect(warnings == [])
        }

        let logged = EventsFiles.jsonLines(results + "/events.jsonl")
        #expect(EventsFiles.transitions(logged) == ["INSUFFICIENT_DATA→OK", "OK→ALARM", "ALARM→OK"])
        #expect(logged.map { ($0["detail"] as? [String: Any])?["runId"] as? String } == ["run-1", "run-2", "run-4"])
        let posted = receiver.received
        let piped = EventsFiles.jsonLines(programOutput)
        #expect(EventsFiles.ids(posted) == EventsFiles.ids(logged))
        #expect(EventsFiles.ids(piped) == EventsFiles.ids(logged))
        let final = try #require(try StateFile.load(directory: results)["checkout"])
        #expect(final.state == .ok && final.runsFailed == 2 && final.runsPassed == 2 && final.recent == [false, true, true])
    }

    @Test("a webhook that accepts and never answers holds deliver() to --sink-timeout (1 s) in all, and the event stays in the outbox")
    func hangingWebhook() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "hang", folder: folder)
        defer { receiver.stop() }
        let sinks = EventSinks(
            resultsDirectory: folder, webhooks: [receiver.url], onAlarm: nil, engine: TestServers.engine, timeout: .seconds(1))
        let event = AlarmEvent.runFinished(EventsFiles.run(passed: false, runId: "r1"), now: Date())
        let clock = ContinuousClock()
        let started = clock.now
        let warnings = await sinks.deliver([event])
        let elapsed = clock.now - started
        #expect(elapsed < .milliseconds(1800))
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("webhook http://127.0.0.1:\(receiver.port)/…: timed out after") == true)
        #expect(warnings.first?.contains("1 event kept in the outbox") == true)
        // The log does not depend on the webhook; the outbox keeps the event for later.
        #expect(EventsFiles.ids(EventsFiles.jsonLines(folder + "/events.jsonl")) == [event.id])
        #expect(EventsFiles.jsonLines(folder + "/outbox.jsonl").count == 1)
    }

    @Test("a webhook answering 500 is retried within the sink timeout, then reported; a healthy second webhook still gets the event")
    func failingWebhook() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failing = try WebhookReceiver(mode: "fail", folder: folder)
        let healthy = try WebhookReceiver(mode: "record", folder: folder)
        defer { failing.stop(); healthy.stop() }
        let sinks = EventSinks(
            resultsDirectory: folder, webhooks: [failing.url, healthy.url], onAlarm: nil, engine: TestServers.engine,
            timeout: .seconds(2))
        let event = AlarmEvent.runFinished(EventsFiles.run(passed: true, runId: "r1"), now: Date())
        let warnings = await sinks.deliver([event])
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("webhook 1 http://127.0.0.1:") == true)
        #expect(warnings.first?.contains(": HTTP 500 (") == true)
        // Attempts at 0, 0.5 s and 1.5 s; the next (at 3.5 s) is past the 2 s.
        #expect((2...3).contains(failing.received.count))
        #expect(EventsFiles.ids(healthy.received) == [event.id])
    }

    @Test("an unreachable webhook is a warning with the transport error, not an error")
    func refusedWebhook() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sinks = EventSinks(
            resultsDirectory: folder, webhooks: ["http://127.0.0.1:\(TestServers.closedPort)/"], onAlarm: nil,
            engine: TestServers.engine, timeout: .seconds(1))
        let warnings = await sinks.deliver([AlarmEvent.runFinished(EventsFiles.run(passed: true, runId: "r1"), now: Date())])
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("connectionRefused") == true)
    }
}
