import CanaryKit
import Foundation
import Testing

/// Event delivery through the built binary: `canary run` and `canary schedule` with real receivers.
@Suite("event delivery: command line")
struct EventsDeliveryCLITests {
    /// `count` canaries that fail at once (nginx answers 200, they expect 500): each run is an ALARM.
    private func failingCanaries(_ count: Int, in folder: String) throws -> String {
        let canaries = folder + "/c"
        try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
        for index in 1...count {
            try #"{name: "c\#(index)", schedule: "rate(2 seconds)", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 500}}]}"#
                .write(toFile: canaries + "/c\(index).json", atomically: true, encoding: .utf8)
        }
        return canaries
    }

    @Test("canary run: a receiver answering 429 with Retry-After: 1 gets all 10 ALARM events, as events.jsonl has them")
    func rateLimited() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "limit", folder: folder)
        defer { receiver.stop() }
        let output = try await CLI.run(
            ["run", try failingCanaries(10, in: folder), "--results", folder + "/r", "--webhook", receiver.url, "--sink-timeout", "20s", "--screenshots", "none"]
                + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stderr)")
        let logged = EventsFiles.jsonLines(folder + "/r/events.jsonl")
        #expect(logged.count == 10)
        #expect(Set(EventsFiles.ids(receiver.received)) == Set(EventsFiles.ids(logged)), "\(output.stderr)")
        #expect(receiver.received.count == 10)
    }

    @Test("canary run: --sink-timeout 2s bounds the whole wait for a webhook that never answers, and the next run sends the event again")
    func sinkTimeoutBoundsTheRun() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hanging = try WebhookReceiver(mode: "hang", folder: folder)
        let canaries = try failingCanaries(1, in: folder)
        let clock = ContinuousClock()
        let started = clock.now
        let output = try await CLI.run(
            ["run", canaries, "--results", folder + "/r", "--webhook", hanging.url, "--sink-timeout", "2s", "--screenshots", "none"] + TestServers.varArguments)
        let elapsed = clock.now - started
        hanging.stop()
        #expect(output.status == 1)
        #expect(elapsed < .milliseconds(3500), "the run took \(elapsed) with --sink-timeout 2s")
        #expect(output.stderr.contains("1 event kept in the outbox"), "\(output.stderr)")

        // The webhook is back: the next run (the canary passes now... it still fails, but the
        // state stays ALARM, so no new event) delivers the one the first run could not.
        let receiver = try WebhookReceiver(mode: "record", folder: folder, port: hanging.port)
        defer { receiver.stop() }
        try await Task.sleep(for: .milliseconds(600))
        _ = try await CLI.run(["run", canaries, "--results", folder + "/r", "--webhook", receiver.url] + TestServers.varArguments)
        #expect(EventsFiles.ids(receiver.received) == EventsFiles.ids(EventsFiles.jsonLines(folder + "/r/events.jsonl")))
        #expect(receiver.received.count == 1)
    }

    @Test("canary schedule: SIGTERM drains the outbox to a rate-limited receiver within --sink-timeout")
    func sigtermDrains() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "limit", folder: folder)
        defer { receiver.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["schedule", try failingCanaries(4, in: folder), "--results", folder + "/r",
                             "--webhook", receiver.url, "--sink-timeout", "8s"] + TestServers.varArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited = try launch(process)
        // The four runs end within a second or so; then SIGTERM while the receiver still limits.
        let deadline = ContinuousClock.now + .seconds(10)
        while EventsFiles.jsonLines(folder + "/r/events.jsonl").count < 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        #expect(process.terminationStatus == 0)
        let logged = EventsFiles.jsonLines(folder + "/r/events.jsonl")
        #expect(logged.count == 4)
        #expect(Set(EventsFiles.ids(receiver.received)) == Set(EventsFiles.ids(logged)))
    }

    @Test("canary run: the first run's INSUFFICIENT_DATA → OK is an event, with account (--account), region (--location) and resources")
    func firstTransition() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        defer { receiver.stop() }
        try #"{name: "fine", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/fine.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/fine.json", "--results", folder + "/r", "--webhook", receiver.url,
                                        "--location", "eu-west-1", "--account", "123456789012"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stderr)")
        let received = receiver.received
        #expect(EventsFiles.transitions(received) == ["INSUFFICIENT_DATA→OK"])
        #expect(received.first?["account"] as? String == "123456789012")
        #expect(received.first?["region"] as? String == "eu-west-1")
        #expect(received.first?["resources"] as? [String] == ["fine"])
    }
}

/// `--on-alarm` and `--on-run`: a program path taken as given, arguments one flag each.
@Suite("event delivery: programs from the command line")
struct EventsProgramCLITests {
    @Test("--on-alarm /bin/sh with --on-alarm-arg (a script and a path with spaces) gets the alarm events only; --on-run gets the run events")
    func programsAndArguments() async throws {
        let folder = try makeTemporaryDirectory() + "/with space"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "down", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 500}}]}"#
            .write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run([
            "run", folder + "/down.json", "--results", folder + "/r", "--run-events", "--screenshots", "none",
            "--on-alarm", "/bin/sh", "--on-alarm-arg", "-c", "--on-alarm-arg", #"cat >> "$0"; echo >> "$0""#, "--on-alarm-arg", folder + "/alarm events.jsonl",
            "--on-run", "/bin/sh", "--on-run-arg", "-c", "--on-run-arg", #"cat >> "$0"; echo >> "$0""#, "--on-run-arg", folder + "/run events.jsonl",
        ] + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stderr)")
        let alarms = EventsFiles.jsonLines(folder + "/alarm events.jsonl"), runs = EventsFiles.jsonLines(folder + "/run events.jsonl")
        #expect(alarms.map { $0["detail-type"] as? String } == ["Canary Alarm State Change"], "\(output.stderr)")
        #expect(runs.map { $0["detail-type"] as? String } == ["Canary Run Failed"])
        let usage = try await CLI.run(["run", folder + "/down.json", "--on-alarm-arg", "x"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--on-alarm-arg x needs --on-alarm PROGRAM"), "\(usage.stderr)")
    }
}
