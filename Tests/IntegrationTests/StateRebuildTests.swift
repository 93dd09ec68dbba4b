import CanaryKit
import Foundation
import Testing

/// runs.jsonl is the truth: a daemon killed with SIGKILL loses no outcome and no transition.
@Suite("state rebuilt from the run log")
struct StateRebuildTests {
    @Test("canary schedule killed with SIGKILL at four random moments, then stopped: canary_runs_total equals runs.jsonl and every transition is in events.jsonl")
    func killedDaemon() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = folder + "/c"
        try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
        let steps = [
            "up": #"{request: {url: "{{site}}/hello.txt"}}"#,
            "down": #"{request: {url: "{{site}}/hello.txt"}, expect: {status: 500}}"#,
            // httpbin picks one of the codes at random: the alarm flaps.
            "flaky": #"{request: {url: "{{httpbin}}/status/200,500"}, expect: {status: 200}}"#,
        ]
        for (name, step) in steps {
            try #"{name: "\#(name)", schedule: "rate(1 second)", steps: [\#(step)]}"#
                .write(toFile: "\(canaries)/\(name).json", atomically: true, encoding: .utf8)
        }
        var generator = SystemRandomNumberGenerator()
        var moments: [Int] = []
        for round in 0..<5 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["schedule", canaries, "--results", folder + "/r"] + TestServers.varArguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let exited = try launch(process)
            let moment = Int.random(in: 800...3500, using: &generator)
            moments.append(moment)
            try await Task.sleep(for: .milliseconds(moment))
            kill(process.processIdentifier, round < 4 ? SIGKILL : SIGTERM)
            await exited.value
        }

        let runs = EventsFiles.runRecords(folder + "/r")
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        for name in steps.keys.sorted() {
            for (result, passed) in [("passed", true), ("failed", false)] {
                let logged = runs.filter { $0["canary"] as? String == name && $0["passed"] as? Bool == passed }.count
                let line = metrics.split(separator: "\n").first { $0.hasPrefix("canary_runs_total{") && $0.contains("canary=\"\(name)\"") && $0.contains("result=\"\(result)\"") }
                let counted = line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
                #expect(counted == logged, "\(name) \(result): metrics.prom says \(counted), the run log has \(logged) (kills after \(moments) ms)")
            }
        }
        // Every transition once, in a chain: each event leaves the state the one before entered.
        var seen: Set<String> = []
        let events = EventsFiles.jsonLines(folder + "/r/events.jsonl").filter { seen.insert($0["id"] as? String ?? "").inserted }
        for name in steps.keys {
            let chain = events.compactMap { $0["detail"] as? [String: Any] }.filter { $0["canary"] as? String == name }
            for (before, after) in zip(chain, chain.dropFirst()) {
                #expect(after["previousState"] as? String == before["state"] as? String, "\(name): \(EventsFiles.transitions(events))")
            }
        }
        let states = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r/state.json"))) as? [String: [String: Any]]
        #expect(states?["down"]?["state"] as? String == "ALARM")
        #expect(events.contains { ($0["detail"] as? [String: Any])?["canary"] as? String == "down" }, "the first ALARM of down is an event")
    }
}
