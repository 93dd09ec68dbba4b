import CanaryKit
import Foundation
import Testing

/// `canary schedule` when runs are slow or the `--jobs` slots are full: due canaries queue and
/// take turns, and a run in progress is never counted as missing data.
@Suite("canary schedule under load")
struct ScheduleLoadTests {
    /// Runs `canary schedule` over the canary files `files` (name → text) for `seconds`, then
    /// SIGTERM. Returns the log, the run records and the alarm events.
    private func schedule(
        _ files: [String: String], seconds: Double, arguments: [String] = []
    ) async throws -> (log: String, runs: [[String: Any]], events: [[String: Any]], metrics: String) {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(folder)/c/\(name).json", atomically: true, encoding: .utf8) }
        let (process, exited) = try CLI.startSchedule([folder + "/c"] + arguments, folder: folder)
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let lines = { (file: String) throws -> [[String: Any]] in
            let text = (try? file == "runs" ? RunLogFiles.text(folder + "/r") : String(contentsOfFile: "\(folder)/r/\(file)", encoding: .utf8)) ?? ""
            return try text.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
        }
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        let metrics = (try? String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)) ?? ""
        return (log, try lines("runs"), try lines("events.jsonl"), metrics)
    }

    private func states(_ events: [[String: Any]], _ canary: String) -> [String] {
        events.compactMap { event in
            guard let detail = event["detail"] as? [String: Any], detail["canary"] as? String == canary else { return nil }
            return detail["state"] as? String
        }
    }

    @Test("three canaries on rate(5 seconds), each hanging 1 s, under --jobs 1 for 16 s: each runs in turn, none starved, no missed data")
    func threeSaturated() async throws {
        var files: [String: String] = [:]
        for name in ["h1", "h2", "h3"] {
            files[name] = "{name: \"\(name)\", schedule: \"rate(5 seconds)\", steps: [{request: {url: \"{{httpbin}}/delay/1\"}}]}"
        }
        let result = try await schedule(files, seconds: 16, arguments: ["--jobs", "1"])
        for name in ["h1", "h2", "h3"] {
            let count = result.runs.filter { $0["canary"] as? String == name }.count
            #expect(count >= 2, "\(name) ran \(count) times\n\(result.log)")
            #expect(!states(result.events, name).contains("INSUFFICIENT_DATA"), "\(result.events)")
        }
        #expect(!result.log.contains("missed"), "\(result.log)")
        // Runs never overlap under one slot: each starts after the one before it ended.
        let spans = result.runs.compactMap { ($0["start"] as? String, $0["end"] as? String) as? (String, String) }.sorted { $0.0 < $1.0 }
        for (earlier, later) in zip(spans, spans.dropFirst()) { #expect(later.0 >= earlier.1, "overlap: \(earlier) and \(later)") }
    }

    @Test("a hung canary (6 s timeout on rate(2 seconds)) and a slow one (5 s on rate(2 seconds)) make no INSUFFICIENT_DATA flaps; the runs skipped while they ran are counted as still running")
    func hungAndSlow() async throws {
        let files = [
            "hung": #"{name: "hung", schedule: "rate(2 seconds)", timeout: "6s", steps: [{request: {url: "{{hostile}}/hang"}}]}"#,
            "slow": #"{name: "slow", schedule: "rate(2 seconds)", timeout: "20s", steps: [{request: {url: "{{httpbin}}/delay/5"}}]}"#,
        ]
        let result = try await schedule(files, seconds: 20)
        // At most the first transition (to ALARM for hung, to OK for slow), never a flap.
        for name in ["hung", "slow"] {
            let changes = states(result.events, name)
            #expect(changes.count <= 1 && !changes.contains("INSUFFICIENT_DATA"), "\(name): \(changes)")
        }
        #expect(!result.log.contains("missed"), "\(result.log)")
        #expect(result.metrics.contains(#"canary_scheduler_skipped_runs_total{reason="running"}"#), "\(result.metrics)")
    }
}

extension ScheduleLoadTests {
    @Test("canaries without a schedule are listed as not scheduled, with the reason and the fix, never dropped silently")
    func unscheduled() async throws {
        let files = [
            "ticking": #"{name: "ticking", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#,
            "manual": #"{name: "manual", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#,
        ]
        let result = try await schedule(files, seconds: 2.5)
        #expect(result.log.contains("unscheduled manual ("), "\(result.log)")
        #expect(result.log.contains("no 'schedule'"), "\(result.log)")
        #expect(result.log.contains("started 1 canary (1 without a schedule not run)"), "\(result.log)")
        #expect(result.runs.allSatisfy { $0["canary"] as? String == "ticking" })
    }
}
