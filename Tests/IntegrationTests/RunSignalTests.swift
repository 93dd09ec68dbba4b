import Foundation
import Testing

/// `canary run` stopped by SIGTERM or SIGINT (a cancelled CI job, a deleted pod, Ctrl-C): what
/// finished is kept, the rest is cancelled and recorded as such, and every output is written.
@Suite("canary run: stopped by a signal")
struct RunSignalTests {
    /// `fast` passes at once; `hung-1..3` wait on a server that never answers. With --jobs 2,
    /// fast and hung-1 start, then hung-2; hung-3 never starts.
    private func scratch() throws -> String {
        let folder = try makeTemporaryDirectory()
        try #"{name: "fast", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/a-fast.json", atomically: true, encoding: .utf8)
        for index in 1...3 {
            try #"{name: "hung-\#(index)", timeout: "60s", steps: [{name: "wait", request: {url: "{{hostile}}/hang", timeout: "60s"}}]}"#
                .write(toFile: folder + "/b-hung-\(index).json", atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// Starts canary with output to files; returns the process and its exit task.
    private func start(_ arguments: [String], in folder: String) throws -> (Process, Task<Void, Never>) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        FileManager.default.createFile(atPath: folder + "/out", contents: nil)
        FileManager.default.createFile(atPath: folder + "/err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err"))
        return (process, try launch(process))
    }

    private func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    private func waitFor(_ what: String, in path: String, seconds: Int = 15) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline, !text(path).contains(what) { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test("SIGTERM: finished canaries kept, running ones recorded as cancelled, summary, JUnit, state and metrics written, exit 143")
    func sigterm() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (process, exited) = try start(
            ["run", ".", "--jobs", "2", "--results", "r", "--junit", "junit.xml"] + TestServers.varArguments, in: folder)
        try await waitFor("✓ fast", in: folder + "/out")
        try await Task.sleep(for: .milliseconds(300))  // hung-2 has started in fast's place
        let signalled = ContinuousClock.now
        process.terminate()
        await exited.value
        let took = ContinuousClock.now - signalled
        let out = text(folder + "/out"), err = text(folder + "/err")
        #expect(process.terminationReason == .exit && process.terminationStatus == 143, "\(out)\(err)")
        #expect(took < .seconds(5), "stopping took \(took)")
        #expect(out.contains("1 passed, 0 failed") && out.contains("stopped by SIGTERM: 2 cancelled, 1 not started"), "\(out)")
        let log = ((try? RunLogFiles.text(folder + "/r")) ?? "").split(separator: "\n")
        #expect(log.count == 3, "\(log)")
        #expect(log.filter { $0.contains(#""cancelled":true"#) }.count == 2)
        #expect(!log.contains { $0.contains("hung-3") })
        let junit = text(folder + "/junit.xml")
        #expect(junit.contains(#"<testsuite name="fast""#) && junit.contains(#"<testsuite name="hung-1""#), "\(junit)")
        #expect(junit.contains("cancelled"))
        #expect(FileManager.default.fileExists(atPath: folder + "/r/metrics.prom"))
        // A cancelled run is not a failing datapoint: no ALARM for the hung canaries.
        let state = text(folder + "/r/state.json")
        #expect(state.contains("fast") && !state.contains("ALARM"), "\(state)")
        #expect(!text(folder + "/r/events.jsonl").contains("ALARM"))
    }

    @Test("a second SIGINT exits at once, even while a sink holds the first stop")
    func secondSignal() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // fast's run event goes to a webhook that never answers, for up to 30 s.
        let (process, exited) = try start(
            ["run", ".", "--jobs", "2", "--results", "r", "--run-events", "--webhook", TestServers.hostile + "/hang", "--sink-timeout", "30s"]
                + TestServers.varArguments, in: folder)
        try await waitFor("✓ fast", in: folder + "/out")
        kill(process.processIdentifier, SIGINT)
        try await waitFor("SIGINT again to exit at once", in: folder + "/err")
        try await Task.sleep(for: .milliseconds(500))
        #expect(process.isRunning, "the first SIGINT waits for the webhook")
        let second = ContinuousClock.now
        kill(process.processIdentifier, SIGINT)
        await exited.value
        #expect(ContinuousClock.now - second < .seconds(2))
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(text(folder + "/err"))")
    }
}
