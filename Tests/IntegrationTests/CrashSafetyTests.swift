import CanaryKit
import Foundation
import Testing

/// SIGKILL at any moment never leaves a file that breaks the next run.
@Suite("crash safety")
struct CrashSafetyTests {
    @Test("runs killed with SIGKILL at random moments leave runs.jsonl, the exchange segments, run.json, run.har, state.json and metrics.prom parseable, and the next run works")
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
        // One whole run first, to time it: the kills then land anywhere from the start to the
        // end, where state.json and metrics.prom are written.
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try await CLI.run(arguments).status == 0)
        let whole = Int((clock.now - started).milliseconds)
        var generator = SystemRandomNumberGenerator()
        let kills = 12
        var killedMidRun = 0, partialsLeft = 0
        for _ in 0..<kills {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let exited = try launch(process)
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...max(50, whole), using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            await exited.value
            if process.terminationReason == .uncaughtSignal { killedMidRun += 1 }
            // Between kills too: what a killed run leaves must not break what the next one reads.
            let audit = try await ResultsAudit.of(folder + "/r")
            #expect(audit.unreadable.isEmpty, "after a kill: \(audit.unreadable)")
            partialsLeft += audit.partialFolders.count
        }
        let after = try await CLI.run(arguments)
        #expect(after.status == 0, "the run after the kills: \(after.stdout)\(after.stderr)")
        let audit = try await ResultsAudit.of(folder + "/r")
        #expect(audit.unreadable.isEmpty, "\(audit.unreadable)")
        #expect(audit.partialFolders.isEmpty, "the run after the kills removes half-written folders: \(audit.partialFolders)")
        let states = try StateFile.load(directory: folder + "/r")
        #expect(states.count == 40, "state.json holds every canary")
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.components(separatedBy: "canary_success{").count - 1 == 40, "metrics.prom holds every canary")
        print("crash safety: \(kills) SIGKILLs within a \(whole) ms run (\(killedMidRun) before it ended), \(partialsLeft) half-written folders seen between kills, \(audit.runLines.count) records, \(audit.unreadable.count) unreadable")

        #expect(audit.runLines.count >= 80)
        #expect(audit.exchanges >= 80, "every run's exchanges readable through the record's place")
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
        let lines = try RunLogFiles.text(folder + "/r").split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    @Test("four runs started at once on one results folder write whole, contiguous records and keep every canary's state")
    func concurrentRuns() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runs = 4, canariesPerRun = 10
        for run in 0..<runs {
            let canaries = folder + "/p\(run)"
            try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
            for index in 0..<canariesPerRun {
                let url = index % 3 == 0 ? "{{httpbin}}/delay/0.1" : "{{site}}/status.json"
                try "{name: \"p\(run)-\(index)\", steps: [{request: {url: \"\(url)\"}}, {request: {url: \"\(url)\"}}]}"
                    .write(toFile: canaries + "/c\(index).json", atomically: true, encoding: .utf8)
            }
        }
        let outputs = try await withThrowingTaskGroup(of: CLI.Output.self) { group in
            for run in 0..<runs {
                group.addTask {
                    try await CLI.run(["run", folder + "/p\(run)", "--results", folder + "/r", "--jobs", "4", "-q"] + TestServers.varArguments)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs.allSatisfy { $0.status == 0 }, "\(outputs.map(\.stderr))")
        let audit = try await ResultsAudit.of(folder + "/r")
        #expect(audit.unreadable.isEmpty, "\(audit.unreadable)")
        #expect(audit.runLines.count == runs * canariesPerRun)
        // Each invocation's records form one block: the lock is held for the whole run.
        let owners = audit.records.compactMap { ($0["canary"] as? String)?.split(separator: "-").first.map(String.init) }
        var blocks: [String] = []
        for owner in owners where blocks.last != owner { blocks.append(owner) }
        #expect(blocks.count == runs && Set(blocks).count == runs, "the run log interleaves invocations: \(blocks)")
        // No run overwrote another's state or metrics with its own view.
        #expect(try StateFile.load(directory: folder + "/r").count == runs * canariesPerRun)
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.components(separatedBy: "canary_runs_total{").count - 1 >= runs * canariesPerRun)
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
