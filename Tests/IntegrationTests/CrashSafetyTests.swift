import CanaryKit
import Foundation
import Testing

/// SIGKILL at any moment never leaves a file that breaks the next run.
@Suite("crash safety")
struct CrashSafetyTests {
    @Test("runs killed with SIGKILL at random moments leave every record parseable and the next run works")
    func killedRuns() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        for i in 0..<40 {
            let step = i % 4 == 0 ? "{request: {url: \"{{httpbin}}/delay/0.2\"}}" : "{request: {url: \"{{site}}/status.json\"}, expect: {json: {\"$.status\": \"ok\"}}}"
            try "{name: \"c\(i)\", steps: [\(step), \(step)]}".write(toFile: folder + "/c/c\(i).json", atomically: true, encoding: .utf8)
        }
        let arguments = ["run", folder + "/c", "--results", folder + "/r", "--jobs", "8", "-q"]
            + TestServers.varArguments
        var generator = SystemRandomNumberGenerator()
        let kills = 12
        for _ in 0..<kills {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let exited = try launch(process)
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...400, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            await exited.value
        }
        let after = try await CLI.run(arguments)
        #expect(after.status == 0, "the run after the kills: \(after.stdout)\(after.stderr)")

        var lines = 0
        let log = try String(contentsOfFile: folder + "/r/runs.jsonl", encoding: .utf8)
        for line in log.split(separator: "\n") {
            lines += 1
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "unparseable line: \(line.prefix(200))")
        }
        #expect(log.hasSuffix("\n"), "runs.jsonl ends with a whole line")
        #expect(lines >= 40)
        var documents = 0
        let enumerator = FileManager.default.enumerator(atPath: folder + "/r")
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix("run.json") || path.hasSuffix("run.har") else { continue }
            documents += 1
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/r/" + path))
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(path) is not valid JSON")
        }
        #expect(documents >= 80)
    }

    @Test("a second run on a busy results folder waits, or with --no-wait exits 3; records never interleave")
    func lock() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "slow", steps: [{request: {url: "{{httpbin}}/delay/1"}}]}"#.write(toFile: folder + "/slow.json", atomically: true, encoding: .utf8)
        let variables = TestServers.varArguments
        let first = Process()
        first.executableURL = URL(fileURLWithPath: CLI.binary)
        first.arguments = ["run", folder + "/slow.json", "--results", folder + "/r", "-q"] + variables
        first.standardOutput = FileHandle.nullDevice
        let firstExited = try launch(first)
        try await waitUntilLocked(folder + "/r/.lock")
        let busy = try await CLI.run(["run", folder + "/slow.json", "--results", folder + "/r", "--no-wait"] + variables)
        #expect(busy.status == 3)
        #expect(busy.stderr.contains("in use"))
        let waiting = try await CLI.run(["run", folder + "/slow.json", "--results", folder + "/r"] + variables)
        await firstExited.value
        #expect(waiting.status == 0 && first.terminationStatus == 0)
        let lines = try String(contentsOfFile: folder + "/r/runs.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    /// Polls until another process holds the flock on `path` (at most 10 s).
    private func waitUntilLocked(_ path: String) async throws {
        for _ in 0..<200 {
            let fd = open(path, O_RDWR)
            if fd >= 0 {
                defer { close(fd) }
                if flock(fd, LOCK_EX | LOCK_NB) != 0 { return }
                flock(fd, LOCK_UN)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the first run never took the lock on \(path)")
    }
}
