import Foundation
import Testing

/// Issue 18, end to end: a runner short of descriptors or local ports never blames the target.
/// In both tests 2,000 one-step canaries run against a healthy nginx; none may fail, every run
/// must be recorded, and a run that could not get a resource is inconclusive (`localResource`).
@Suite("the runner's own limits, end to end")
struct LocalLimitsTests {
    static let canaryCount = 2000

    /// `count` one-step canaries getting `{{site}}/hello.txt`, each bounded by a 2 s timeout so a
    /// starved run ends soon.
    private static func writeCanaries(count: Int) throws -> String {
        let folder = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/canaries", withIntermediateDirectories: true)
        for index in 1...count {
            let text = "{name: \"c\(index)\", timeout: \"2s\", steps: [{name: \"get\", request: {url: \"{{site}}/hello.txt\"}, expect: {status: 200}}]}"
            try text.write(toFile: folder + "/canaries/c\(index).json", atomically: false, encoding: .utf8)
        }
        return folder
    }

    /// Records that did not pass and are not inconclusive with `localResource` only (nor
    /// cancelled by the SIGTERM that ends a schedule).
    private static func falseFailures(_ records: [[String: Any]]) -> [[String: Any]] {
        records.filter { ($0["passed"] as? Bool) != true && ($0["cancelled"] as? Bool) != true }.filter { record in
            let steps = record["steps"] as? [[String: Any]] ?? []
            let kinds = steps.compactMap { $0["errorKind"] as? String }
            return (record["inconclusive"] as? Bool) != true || kinds.contains { $0 != "localResource" }
        }
    }

    /// 0 failed, every run recorded, a non-passing run only ever inconclusive with localResource.
    private static func expectNoFalseFailure(_ output: CLI.Output, results: String) async throws {
        let audit = try await ResultsAudit.of(results)
        #expect(audit.unreadable.isEmpty, "\(audit.unreadable.prefix(5))")
        #expect(audit.runLines.count == canaryCount, "\(audit.runLines.count) runs recorded of \(canaryCount)\n\(output.stderr.suffix(2000))")
        #expect(audit.exchanges == canaryCount, "every run's exchanges kept")
        let records = audit.records
        let notPassed = records.filter { ($0["passed"] as? Bool) != true }
        let falseFailures = Self.falseFailures(records)
        #expect(falseFailures.isEmpty, "\(falseFailures.count) false failures, such as \(falseFailures.first.map { "\($0)" } ?? "")")
        #expect(!output.stdout.contains("✗"), "\(output.stdout.split(separator: "\n").first { $0.contains("✗") } ?? "")")
        #expect(output.status == (notPassed.isEmpty ? 0 : 4), "exit \(output.status)\n\(output.stderr.suffix(2000))")
        print("\(records.count - notPassed.count) passed, \(notPassed.count) did not")
    }

    @Test("under ulimit -n 256, 2,000 canaries at --jobs 1000: none failed, all recorded, --jobs lowered with one notice",
          .timeLimit(.minutes(2)))
    func fewDescriptors() async throws {
        let folder = try Self.writeCanaries(count: Self.canaryCount)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // `ulimit -n` sets the soft and the hard limit: the engine cannot raise it past 256.
        let output = try await CLI.run(
            ["-c", "ulimit -n 256 && exec \"$0\" \"$@\"", CLI.binary, "run", folder + "/canaries", "--jobs", "1000",
             "--results", folder + "/results", "--quiet", "--var", "site=\(TestServers.nginx)"],
            executable: "/bin/bash")
        try await Self.expectNoFalseFailure(output, results: folder + "/results")
        let notices = output.stderr.split(separator: "\n").filter { $0.contains("--jobs 1000 lowered to") }
        #expect(notices.count == 1, "\(output.stderr.prefix(1000))")
    }

    @Test("canary schedule under ulimit -n 256 at --jobs 1000: --jobs lowered with one notice; 300 canaries due every second, none failed, every run recorded",
          .timeLimit(.minutes(1)))
    func scheduleFewDescriptors() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/canaries", withIntermediateDirectories: true)
        for index in 1...300 {
            let text = "{name: \"s\(index)\", schedule: \"rate(1 second)\", timeout: \"2s\", steps: [{request: {url: \"{{site}}/hello.txt\"}, expect: {status: 200}}]}"
            try text.write(toFile: folder + "/canaries/s\(index).json", atomically: false, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -n 256 && exec \"$0\" \"$@\"", CLI.binary, "schedule", folder + "/canaries", "--jobs", "1000",
                             "--results", folder + "/results", "--var", "site=\(TestServers.nginx)"]
        _ = FileManager.default.createFile(atPath: folder + "/log", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/log"))
        process.standardError = process.standardOutput
        let exited = try launch(process)
        try await Task.sleep(for: .seconds(5))
        kill(process.processIdentifier, SIGTERM)  // bash exec'd canary: this is canary's pid
        await exited.value
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        // 48 by the budget, less what the scheduler already holds open (signals, lock, logs).
        let notices = log.components(separatedBy: "--jobs 1000 lowered to ")
        #expect(notices.count == 2, "\(log.prefix(1500))")
        let jobs = Int(notices.last?.prefix { $0.isNumber } ?? "") ?? 0
        #expect((30...48).contains(jobs))
        #expect(log.contains("--jobs \(jobs),"))
        let audit = try await ResultsAudit.of(folder + "/results")
        #expect(audit.unreadable.isEmpty, "\(audit.unreadable.prefix(5))")
        // Every run the scheduler logged is recorded (with fewer slots, some due runs are skipped
        // as "queue full": that is the scheduler's own report, not a failure).
        let logged = log.split(separator: "\n").filter { $0.split(separator: " ").dropFirst().first == "run" }.count
        #expect(logged > 0 && audit.runLines.count == logged, "\(audit.runLines.count) runs recorded, \(logged) logged")
        let falseFailures = Self.falseFailures(audit.records)
        #expect(falseFailures.isEmpty, "\(falseFailures.count) false failures, such as \(falseFailures.first.map { "\($0)" } ?? "")")
    }

    /// `unshare -n` works as root (or with user namespaces); elsewhere the test says so and skips.
    static let namespaceProblem: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-n", "true"]
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return "cannot run unshare: \(error)"
        }
        return process.terminationStatus == 0 ? nil : "unshare -n exited \(process.terminationStatus) (not root, no user namespaces?)"
    }()

    @Test("in a network namespace with 200 local ports, 2,000 canaries at --jobs 100: none failed, all recorded",
          .enabled(if: namespaceProblem == nil, "skipped: this machine cannot make a network namespace"),
          .timeLimit(.minutes(2)))
    func fewPorts() async throws {
        let folder = try Self.writeCanaries(count: Self.canaryCount)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/narrow-ports-netns").path
        let output = try await CLI.run(
            ["-n", script, folder, "200", "/bin/sh", "-c",
             "exec \"$0\" run \"$1\" --jobs 100 --results \"$2\" --quiet --var site=$CANARY_NETNS_SITE",
             CLI.binary, folder + "/canaries", folder + "/results"],
            executable: "/usr/bin/unshare")
        try await Self.expectNoFalseFailure(output, results: folder + "/results")
    }
}
