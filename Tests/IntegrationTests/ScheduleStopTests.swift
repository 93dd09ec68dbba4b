import CanaryKit
import Foundation
import Testing

/// SIGTERM under `canary schedule`: no new attempt starts, runs in flight get `--stop-timeout`,
/// then are cancelled and recorded as cancelled.
@Suite("canary schedule: SIGTERM and --stop-timeout")
struct ScheduleStopTests {
    /// Starts `canary schedule` on one canary, sends SIGTERM after `after`, and returns how long
    /// the process took to exit after it, the exit status and the run records.
    private func stop(
        _ canary: String, after: Duration, arguments: [String] = []
    ) async throws -> (took: Duration, status: Int32, runs: [[String: Any]], log: String) {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try canary.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let (process, exited) = try CLI.startSchedule([folder + "/c.json"] + arguments, folder: folder)
        try await Task.sleep(for: after)
        let clock = ContinuousClock()
        let stopping = clock.now
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let took = clock.now - stopping
        let text = (try? RunLogFiles.text(folder + "/r")) ?? ""
        let runs = try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        return (took, process.terminationStatus, runs, try String(contentsOfFile: folder + "/log", encoding: .utf8))
    }

    @Test("SIGTERM during attempt 1 of 3 (3 s timeout each, on a hanging URL) waits for that attempt only: no attempt 2 starts, and the run is recorded as cancelled, not failed")
    func noNewAttempt() async throws {
        // rate(2 seconds) starts within 1 s; SIGTERM 2.5 s after start lands in attempt 1.
        let canary = #"{name: "hang", schedule: "rate(2 seconds)", timeout: "3s", retries: 2, steps: [{request: {url: "{{hostile}}/hang"}}]}"#
        let result = try await stop(canary, after: .milliseconds(2500))
        #expect(result.status == 0)
        #expect(result.took < .milliseconds(3500), "took \(result.took)\n\(result.log)")
        #expect(result.runs.count == 1, "\(result.runs)")
        #expect(result.runs.first?["attempt"] as? Int == 1)
        #expect(result.runs.first?["cancelled"] as? Bool == true, "\(result.runs)")
    }

    @Test("--stop-timeout 1s: a run with 20 s to go is cancelled about 1 s after SIGTERM and recorded as cancelled")
    func stopTimeout() async throws {
        let canary = #"{name: "hang", schedule: "rate(2 seconds)", timeout: "20s", steps: [{request: {url: "{{hostile}}/hang"}}]}"#
        let result = try await stop(canary, after: .milliseconds(2500), arguments: ["--stop-timeout", "1s"])
        #expect(result.status == 0)
        #expect(result.took > .milliseconds(900) && result.took < .milliseconds(3000), "took \(result.took)\n\(result.log)")
        #expect(result.runs.count == 1, "\(result.runs)")
        #expect(result.runs.first?["cancelled"] as? Bool == true, "\(result.runs)")
        #expect(result.log.contains("--stop-timeout 1s"), "\(result.log)")
    }
}

@Suite("canary schedule: run-only options")
struct ScheduleRunOnlyOptionTests {
    @Test("run's options that make no sense for a daemon are refused as run-only, each with the reason, not as unknown", arguments: [
        ["--junit", "j.xml"], ["-v"], ["--verbose"], ["-q"], ["--quiet"], ["--no-wait"],
    ])
    func runOnly(_ option: [String]) async throws {
        let output = try await CLI.run(["schedule", "canaries/"] + option)
        #expect(output.status == 2)
        let flag = option[0] == "-v" ? "--verbose" : option[0] == "-q" ? "--quiet" : option[0]
        #expect(output.stderr.contains("schedule: \(flag) is an option of `canary run` only"), "\(output.stderr)")
        #expect(!output.stderr.contains("unknown option"), "\(output.stderr)")
    }
}
