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
        #expect(EventsFiles.jsonLines(folder + "/r/runs.jsonl").first?["maintenance"] as? Bool == true)
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
}

enum AlarmTime {
    static func text(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
