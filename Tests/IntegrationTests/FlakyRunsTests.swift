import Foundation
import Testing

/// Issue 13.5: a run that passed only on a retry is flaky, and says so.
@Suite("flaky runs: passed on a retry")
struct FlakyRunsTests {
    @Test("a pass on attempt 2 is flaky in the record, on the console, in the report and canary_flaky_runs_total; flakyFails makes it a failing datapoint")
    func flaky() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = UUID().uuidString
        for (name, alarm) in [("lenient", ""), ("strict", "alarm: {flakyFails: true},")] {
            try #"{name: "\#(name)", retries: 1, \#(alarm) steps: [{request: {url: "{{hostile}}/flaky?key=\#(key)-\#(name)&fails=1"}}]}"#
                .write(toFile: folder + "/\(name).json", atomically: true, encoding: .utf8)
        }
        try #"{name: "steady", retries: 1, steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/steady.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder, "--results", folder + "/r"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("(attempt 2)  flaky: passed on a retry"), "\(output.stdout)")
        let records = EventsFiles.runRecords(folder + "/r")
        #expect(records.first { $0["canary"] as? String == "lenient" }?["flaky"] as? Bool == true)
        #expect(records.first { $0["canary"] as? String == "steady" }?["flaky"] == nil)
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_flaky_runs_total{canary="lenient"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"canary_flaky_runs_total{canary="steady"} 0"#))
        #expect(metrics.contains(#"canary_alarm_state{canary="lenient",state="OK"} 1"#))
        #expect(metrics.contains(#"canary_alarm_state{canary="strict",state="ALARM"} 1"#))
        _ = try await CLI.run(["report", "--results", folder + "/r", "-o", folder + "/report.html"])
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.contains("last run flaky: passed on attempt 2"))
    }
}
