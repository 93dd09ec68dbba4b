import Foundation
import Testing

/// Issue 13.4: maintenance windows through the real binary.
@Suite("maintenance windows: runs go on, the alarm holds")
struct MaintenanceCLITests {
    @Test("a failing run in a window is recorded with maintenance: true, sends no event and sets canary_in_maintenance; after the window the same failure alarms")
    func window() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        defer { receiver.stop() }
        let now = Date()
        let from = AlarmTime.text(now.addingTimeInterval(-3600)), to = AlarmTime.text(now.addingTimeInterval(3600))
        let canary = { (window: String) in
            #"{name: "down", maintenance: [\#(window)], steps: [{request: {url: "{{httpbin}}/status/503"}}]}"#
        }
        let arguments = ["run", folder + "/down.json", "--results", folder + "/r", "--webhook", receiver.url] + TestServers.varArguments
        try canary(#"{from: "\#(from)", to: "\#(to)"}"#).write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        let during = try await CLI.run(arguments)
        #expect(during.status == 1, "the run still fails: \(during.stdout)\(during.stderr)")
        #expect(EventsFiles.runRecords(folder + "/r").first?["maintenance"] as? Bool == true)
        #expect(EventsFiles.jsonLines(folder + "/r/events.jsonl").isEmpty)
        var metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_in_maintenance{canary="down"} 1"#))
        #expect(metrics.contains(#"canary_alarm_state{canary="down",state="INSUFFICIENT_DATA"} 1"#))

        // The window is over (a window of the past).
        try canary(#"{from: "2020-01-01T00:00:00Z", to: "2020-01-02T00:00:00Z"}"#).write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        _ = try await CLI.run(arguments)
        metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_in_maintenance{canary="down"} 0"#))
        #expect(metrics.contains(#"canary_alarm_state{canary="down",state="ALARM"} 1"#))
        #expect(receiver.received.compactMap { ($0["detail"] as? [String: Any])?["state"] as? String } == ["ALARM"])
    }

    @Test("--maintenance FILE: a window selects canaries by tag (after --location); the others alarm as usual")
    func fleetFile() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let from = AlarmTime.text(now.addingTimeInterval(-3600)), to = AlarmTime.text(now.addingTimeInterval(3600))
        for (name, team) in [("pay", "payments"), ("search", "search")] {
            try #"{name: "\#(name)", tags: {team: "\#(team)"}, steps: [{request: {url: "{{httpbin}}/status/503"}}]}"#
                .write(toFile: folder + "/\(name).json", atomically: true, encoding: .utf8)
        }
        try #"[{from: "\#(from)", to: "\#(to)", tags: {team: "payments", location: "eu-west-1"}}]"#
            .write(toFile: folder + "/maintenance.json5", atomically: true, encoding: .utf8)
        let output = try await CLI.run(
            ["run", folder + "/pay.json", folder + "/search.json", "--results", folder + "/r", "--location", "eu-west-1",
             "--maintenance", folder + "/maintenance.json5"] + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let runs = EventsFiles.runRecords(folder + "/r")
        #expect(runs.first { $0["canary"] as? String == "pay" }?["maintenance"] as? Bool == true)
        #expect(runs.first { $0["canary"] as? String == "search" }?["maintenance"] == nil)
        let states = EventsFiles.jsonLines(folder + "/r/events.jsonl").compactMap { event -> String? in
            guard let detail = event["detail"] as? [String: Any] else { return nil }
            return "\(detail["canary"] ?? "")=\(detail["state"] ?? "")"
        }
        #expect(states == ["search=ALARM"])
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_in_maintenance{canary="pay",location="eu-west-1",team="payments"} 1"#), "\(metrics)")
    }

    @Test("--maintenance FILE with a mistake: exit 2 before anything runs, naming file, line, column and the fix")
    func fleetFileMistake() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{steps: [{request: {url: "{{httpbin}}/get"}}]}"#.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        try "[\n  {cron: \"0 2 * * 0\", duraton: \"2h\"},\n]".write(toFile: folder + "/m.json5", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "--maintenance", folder + "/m.json5"] + TestServers.varArguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains(folder + "/m.json5:2:23: unknown key 'duraton' in a maintenance window; did you mean 'duration'?"), "\(output.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"))
    }

    @Test("canary schedule rereads --maintenance on SIGHUP: a window added then holds the alarm; a broken file keeps the windows read before")
    func scheduleReload() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "down", schedule: "rate(1 second)", steps: [{request: {url: "{{httpbin}}/status/503"}}]}"#
            .write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        try "[]".write(toFile: folder + "/m.json5", atomically: true, encoding: .utf8)
        let (process, exited) = try CLI.startSchedule([folder + "/down.json", "--maintenance", folder + "/m.json5"], folder: folder)
        try await Task.sleep(for: .milliseconds(1500))
        let now = Date()
        try #"[{from: "\#(AlarmTime.text(now.addingTimeInterval(-60)))", to: "\#(AlarmTime.text(now.addingTimeInterval(3600)))"}]"#
            .write(toFile: folder + "/m.json5", atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(1500))
        try "[{cron: ".write(toFile: folder + "/m.json5", atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(1500))
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        let runs = EventsFiles.runRecords(folder + "/r").map { $0["maintenance"] as? Bool ?? false }
        #expect(runs.first == false && runs.last == true, "\(runs)\n\(log)")
        #expect(log.contains(folder + "/m.json5:1:"), "the broken file is named in the log: \(log)")
    }
}

enum AlarmTime {
    static func text(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
