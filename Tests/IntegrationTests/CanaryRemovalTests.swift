import CurlEngine
import Foundation
import Testing

/// Issue 24 item 3: a canary whose file is gone leaves state.json, metrics.prom and the
/// Pushgateway after `--forget-after`, with a `Canary Removed` event; `canary forget` does it by
/// hand. Against the real Pushgateway and a real webhook receiver.
@Suite("removed canaries")
struct CanaryRemovalTests {
    private let suffix = String(UUID().uuidString.prefix(8)).lowercased()

    private func pushgatewayText() async throws -> String {
        let session = TestServers.engine.makeSession()
        defer { TestServers.engine.close(session) }
        let response = try await TestServers.engine.perform(HTTPRequest(url: TestServers.pushgateway + "/metrics", timeout: .seconds(5)), in: session)
        return String(decoding: response.body, as: UTF8.self)
    }

    private func alarmLine(_ text: String, _ canary: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix("canary_alarm_state{") && $0.contains(#"canary="\#(canary)""#) && $0.contains(#"state="ALARM""#) }
    }

    private func file(_ folder: String, _ name: String) -> String { (try? String(contentsOfFile: "\(folder)/r/\(name)", encoding: .utf8)) ?? "" }

    @Test("a deleted canary in ALARM stays through the grace, then leaves state, metrics and its Pushgateway group with one Canary Removed event; a file renamed with an explicit name keeps its canary")
    func removedAfterGrace() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        let gone = "gone-\(suffix)", kept = "kept-\(suffix)"
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try #"{name: "\#(gone)", steps: [{request: {url: "{{httpbin}}/status/500"}}]}"#.write(toFile: folder + "/c/gone.json", atomically: true, encoding: .utf8)
        try #"{name: "\#(kept)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/c/kept.json", atomically: true, encoding: .utf8)
        let run = { (grace: String) in
            try await CLI.run(["run", folder + "/c", "--results", folder + "/r", "--pushgateway", TestServers.pushgateway,
                               "--webhook", receiver.url, "--forget-after", grace] + TestServers.varArguments)
        }
        #expect(try await run("1h").status == 1)
        #expect(alarmLine(try await pushgatewayText(), gone))
        try FileManager.default.removeItem(atPath: folder + "/c/gone.json")
        // Renamed, with its explicit name: the same canary.
        try FileManager.default.moveItem(atPath: folder + "/c/kept.json", toPath: folder + "/c/renamed.json")

        let within = try await run("1h")
        #expect(within.status == 0, "\(within.stderr)")
        #expect(alarmLine(file(folder, "metrics.prom"), gone), "within the grace the alarm stays")
        #expect(file(folder, "state.json").contains("\"goneSince\""))

        let after = try await run("0s")
        #expect(after.status == 0, "\(after.stderr)")
        #expect(!file(folder, "metrics.prom").contains(gone), "\(file(folder, "metrics.prom"))")
        #expect(!file(folder, "state.json").contains(gone))
        #expect(file(folder, "metrics.prom").contains(kept))
        #expect(!(try await pushgatewayText()).contains(gone), "the Pushgateway group is deleted")
        let removals = receiver.received.filter { $0["detail-type"] as? String == "Canary Removed" }
        #expect(removals.count == 1, "\(receiver.received)")
        let detail = try #require(removals.first?["detail"] as? [String: Any])
        #expect(detail["canary"] as? String == gone && detail["previousState"] as? String == "ALARM", "\(detail)")
        #expect((detail["reason"] as? String)?.contains("gone.json") == true, "\(detail)")
        #expect(!receiver.received.contains { ($0["detail"] as? [String: Any])?["canary"] as? String == kept && $0["detail-type"] as? String == "Canary Removed" })

        // Once removed it stays removed: no second event.
        _ = try await run("0s")
        #expect(receiver.received.filter { $0["detail-type"] as? String == "Canary Removed" }.count == 1)
    }

    @Test("canary forget NAME removes it at once (state, metrics, Pushgateway group, event); an unknown name is exit 2 with did-you-mean")
    func forget() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        let name = "forgotten-\(suffix)"
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try #"{name: "\#(name)", steps: [{request: {url: "{{httpbin}}/status/500"}}]}"#.write(toFile: folder + "/c/a.json", atomically: true, encoding: .utf8)
        _ = try await CLI.run(["run", folder + "/c", "--results", folder + "/r", "--pushgateway", TestServers.pushgateway, "--location", "eu-west-1"] + TestServers.varArguments)
        #expect(alarmLine(try await pushgatewayText(), name))

        let typo = try await CLI.run(["forget", "forgoten-\(suffix)", "--results", folder + "/r"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean '\(name)'?"), "\(typo.stderr)")
        #expect(file(folder, "state.json").contains(name), "nothing removed on a typo")

        let forgot = try await CLI.run(["forget", name, "--results", folder + "/r", "--pushgateway", TestServers.pushgateway, "--webhook", receiver.url])
        #expect(forgot.status == 0, "\(forgot.stderr)")
        #expect(forgot.stdout.contains("forgot \(name)"), "\(forgot.stdout)")
        #expect(!file(folder, "state.json").contains(name))
        #expect(!file(folder, "metrics.prom").contains(name))
        #expect(!(try await pushgatewayText()).contains(name), "its location's group is deleted too")
        let events = receiver.received
        #expect(events.count == 1 && events.first?["detail-type"] as? String == "Canary Removed", "\(events)")
        #expect(events.first?["region"] as? String == "eu-west-1")
        #expect(file(folder, "events.jsonl").contains("Canary Removed"))
    }
}

extension CanaryRemovalTests {
    @Test("canary schedule: a canary in ALARM whose file is removed before SIGHUP leaves metrics.prom and state.json once --forget-after (1s) has passed, with its event")
    func daemonRemoval() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try #"{name: "gone", schedule: "rate(1 second)", steps: [{request: {url: "{{httpbin}}/status/500"}}]}"#.write(toFile: folder + "/c/gone.json", atomically: true, encoding: .utf8)
        try #"{name: "kept", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/c/kept.json", atomically: true, encoding: .utf8)
        let (process, exited) = try CLI.startSchedule([folder + "/c", "--forget-after", "1s"], folder: folder, stderrApart: true)
        try await Task.sleep(for: .milliseconds(1500))
        try FileManager.default.removeItem(atPath: folder + "/c/gone.json")
        kill(process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(3000))
        // Read while it runs: removal must not wait for SIGTERM's final write.
        let metrics = file(folder, "metrics.prom"), state = file(folder, "state.json"), events = file(folder, "events.jsonl")
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(!metrics.contains(#"canary="gone""#) && metrics.contains(#"canary="kept""#), "\(metrics)\n\(log)")
        #expect(!state.contains("\"gone\"") && state.contains("\"kept\""), "\(state)")
        #expect(events.contains("Canary Removed") && events.contains(#""canary":"gone""#), "\(events)")
        #expect(!file(folder, "metrics.prom").contains(#"canary="gone""#))
    }
}
