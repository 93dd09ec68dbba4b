import Foundation
import Testing

/// Issue 13.2: `alarm.remindEvery` through the real binary and its event sinks.
@Suite("alarm reminders through the event sinks")
struct AlarmReminderCLITests {
    @Test("a canary still in ALARM after remindEvery sends 'Canary Alarm Reminder' to events.jsonl, webhooks and --on-alarm; --on-run gets none")
    func reminder() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        defer { receiver.stop() }
        try #"{name: "nag", alarm: {remindEvery: "3s"}, steps: [{request: {url: "{{httpbin}}/status/503"}}]}"#
            .write(toFile: folder + "/nag.json", atomically: true, encoding: .utf8)
        let arguments = ["run", folder + "/nag.json", "--results", folder + "/r", "--webhook", receiver.url,
                         "--on-alarm", "/bin/sh", "--on-alarm-arg", "-c", "--on-alarm-arg", "cat >> \(folder)/on-alarm.jsonl; echo >> \(folder)/on-alarm.jsonl",
                         "--on-run", "/bin/sh", "--on-run-arg", "-c", "--on-run-arg", "cat >> \(folder)/on-run.jsonl; echo >> \(folder)/on-run.jsonl",
                         "--run-events"] + TestServers.varArguments
        for pause in [0, 3200, 0] {
            try await Task.sleep(for: .milliseconds(pause))
            let output = try await CLI.run(arguments)
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        }
        let types = { (path: String) in EventsFiles.jsonLines(path).compactMap { $0["detail-type"] as? String } }
        let reminder = "Canary Alarm Reminder"
        // Run 1: into ALARM. Run 2, 3.2 s later: a reminder. Run 3 right after: none (the next is due at 6 s;
        // `since` is to the second, so run 2 is 3.2–4.6 s past it and run 3 under 5.5 s).
        #expect(types(folder + "/r/events.jsonl").filter { $0 != "Canary Run Failed" } == ["Canary Alarm State Change", reminder])
        #expect(types(folder + "/on-alarm.jsonl") == ["Canary Alarm State Change", reminder])
        #expect(!types(folder + "/on-run.jsonl").contains(reminder))
        #expect(receiver.received.compactMap { $0["detail-type"] as? String }.filter { $0 == reminder }.count == 1)
    }
}
