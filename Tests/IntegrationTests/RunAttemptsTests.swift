import CanaryKit
import Foundation
import Testing

/// Issue 26 item 2: `timeout` is per attempt; the record shows the whole run with every attempt
/// inside it, and every attempt's exchanges are kept.
@Suite("run attempts")
struct RunAttemptsTests {
    @Test("a retried run records the whole run's start, end and duration, each attempt inside it, and each attempt's exchanges")
    func wholeRun() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Each attempt times out after 1 s: 2 attempts take 2 s, not the 1 s the timeout names.
        try """
            {name: "slow", timeout: "1s", retries: 1, steps: [{name: "wait", request: {url: "{{httpbin}}/delay/3"}}]}
            """.write(toFile: folder + "/slow.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/slow.json", "--results", folder + "/r", "-q"] + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")

        let line = try #require(try RunLogFiles.text(folder + "/r").split(separator: "\n").first)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(record["attempt"] as? Int == 2)
        let duration = try #require(record["durationMs"] as? Double)
        #expect(duration >= 1900 && duration < 4000, "the whole run's duration: \(duration)")
        let attempts = try #require(record["attempts"] as? [[String: Any]], "\(line)")
        #expect(attempts.map { $0["attempt"] as? Int } == [1, 2])
        #expect(attempts.allSatisfy { ($0["durationMs"] as? Double ?? 0) < 1900 })
        #expect(attempts.allSatisfy { ($0["steps"] as? [Any])?.count == 1 && $0["passed"] as? Bool == false })
        #expect(record["start"] as? String == attempts[0]["start"] as? String)
        #expect(record["end"] as? String == attempts[1]["end"] as? String)
        let runId = try #require(record["runId"] as? String)
        #expect(runId.hasPrefix(String((attempts[0]["start"] as? String ?? "").prefix(4))))

        let kept = try #require(try ResultsReader(directory: folder + "/r").attempts(canary: "slow", runId: runId))
        #expect(kept.map(\.attempt) == [1, 2])
        #expect(kept.allSatisfy { $0.entries.count == 1 })
    }
}
