import Foundation
import Testing

/// Issue 23 items 9 and 10: the JUnit file tells what each step did, keeps a retried run's failed
/// attempt, times the run by the wall clock, and lists canaries by name whatever order they ended in.
@Suite("JUnit and the summary: the whole story, in a stable order")
struct JUnitStoryTests {
    @Test("canaries that finish as zeta, mid, alpha are listed alpha, mid, zeta in JUnit and the summary block")
    func stableOrder() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // zeta answers at once, mid after 0.5 s, alpha (and beta, gamma) after 1 s: alpha, mid and
        // zeta end in reverse name order; the five take 3.5 s in sum, about 1 s of wall time.
        for (name, delay, status) in [("zeta", "0", 201), ("mid", "0.5", 200), ("alpha", "1", 201), ("beta", "1", 200), ("gamma", "1", 200)] {
            try """
                {name: "\(name)", steps: [{name: "get", request: {url: "{{httpbin}}/delay/\(delay)"}, expect: {status: \(status)}}]}
                """.write(toFile: "\(folder)/\(name).json", atomically: true, encoding: .utf8)
        }
        let output = try await CLI.run(
            ["run", folder, "--results", folder + "/r", "--junit", folder + "/junit.xml", "--screenshots", "none"] + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        // Streamed as they end: zeta first.
        #expect(lines.first?.contains("zeta") == true, "\(output.stdout)")
        let block = try #require(lines.firstIndex(of: "failed, by name:"), "\(output.stdout)")
        #expect(lines[block + 1].contains("✗ alpha") && lines[block + 2].contains("✗ zeta"), "\(output.stdout)")
        let junit = try await JUnitParsed.read(folder + "/junit.xml")
        #expect(junit.suites.map(\.name) == ["alpha", "beta", "gamma", "mid", "zeta"])
        // Wall time: they ran side by side for about 1 s (room for a loaded machine), not 3.5 s.
        let time = try #require(junit.time)
        #expect(time >= 0.9 && time < 2.5, "testsuites time \(time) is not the wall time")
    }

    @Test("system-out shows each step's request and answer; skipped says why; a retried pass keeps its failed attempt")
    func wholeStory() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = UUID().uuidString
        try """
            {name: "story", retries: 1, steps: [
              {name: "flaky", request: {url: "{{hostile}}/flaky?key=\(key)&fails=1"}, expect: {status: 200}, continueOnFailure: true},
              {name: "redirected", request: {url: "{{httpbin}}/redirect-to?url=/status/503"}, expect: {status: 200}},
              {name: "after", request: {url: "{{httpbin}}/get"}},
            ]}
            """.write(toFile: folder + "/story.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(
            ["run", folder, "--results", folder + "/r", "--junit", folder + "/junit.xml", "--screenshots", "none"] + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let junit = try await JUnitParsed.read(folder + "/junit.xml")
        let cases = try #require(junit.suite("story")).cases
        #expect(cases.map(\.name) == ["flaky", "redirected", "after"])

        // The first step failed on attempt 1 and passed on attempt 2: a flaky failure, kept.
        #expect(cases[0].result.isEmpty)
        #expect(cases[0].interim.map(\.kind) == ["flakyFailure"], "\(cases[0])")
        #expect(cases[0].interim.first?.message?.contains("attempt 1: status: expected 200, got 500") == true, "\(cases[0])")
        #expect(cases[0].systemOut.contains("GET \(TestServers.hostile)/flaky?key=\(key)&fails=1"), "\(cases[0].systemOut)")
        #expect(cases[0].systemOut.contains("attempt 1 of 2 failed: status: expected 200, got 500"), "\(cases[0].systemOut)")

        // The second failed on both attempts: its failure, the earlier one as a rerun failure, and
        // the exchange (the redirect followed to its final URL).
        #expect(cases[1].result.map(\.kind) == ["failure"])
        #expect(cases[1].interim.map(\.kind) == ["rerunFailure"], "\(cases[1])")
        #expect(cases[1].systemOut.contains("HTTP/1.1 503"), "\(cases[1].systemOut)")
        #expect(cases[1].systemOut.contains("after 1 redirect to \(TestServers.httpbin)/status/503"), "\(cases[1].systemOut)")

        // The third never ran: the reason is on <skipped>.
        #expect(cases[2].result.map(\.kind) == ["skipped"])
        #expect(cases[2].result.first?.message == "step 'redirected' failed before it", "\(cases[2])")

        // The records keep the failed attempt too.
        let runs = try RunLogFiles.text(folder + "/r")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(runs.utf8)) as? [String: Any])
        let attempts = try #require(record["attempts"] as? [[String: Any]], "\(runs)")
        #expect(attempts.count == 2 && (attempts[0]["passed"] as? Bool) == false)
    }
}
