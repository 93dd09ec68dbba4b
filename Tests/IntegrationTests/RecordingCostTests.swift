@testable import CanaryKit
import Foundation
import Testing

/// What a `canary run` costs beyond its transfers (bench/compare.sh measures the whole): work
/// that grows with the canaries must not be done once per canary when once per batch will do.
@Suite("recording cost")
struct RecordingCostTests {
    @Test("3,000 events (a first run of 3,000 canaries) reach events.jsonl whole, in order, with one fsync: well under a second")
    func eventsInOneSync() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let events = (1...3000).map { index in
            var run = EventsFiles.run(passed: true, runId: "run-\(index)")
            run.canary = "c\(index)"
            return AlarmEvent.runFinished(run, now: Date())
        }
        let sinks = EventSinks(resultsDirectory: folder, webhooks: [], onAlarm: nil, engine: TestServers.engine)
        let clock = ContinuousClock()
        let started = clock.now
        let warnings = await sinks.record(events)
        let elapsed = clock.now - started
        #expect(warnings == [])
        #expect(EventsFiles.ids(EventsFiles.jsonLines(folder + "/events.jsonl")) == events.map(\.id))
        // An fsync per line took 1-3 ms each here (4-10 s for 3,000); one for the batch, milliseconds.
        #expect(elapsed < .milliseconds(1000), "\(elapsed)")
    }

    @Test("after canary run, state.json's mark is the end of the run log: every run of it was counted, the next run replays none")
    func markAtEndAfterRun() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = folder + "/c"
        try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
        for name in ["a", "b", "c"] {
            try #"{name: "\#(name)", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 200}}]}"#
                .write(toFile: "\(canaries)/\(name).json", atomically: true, encoding: .utf8)
        }
        for round in 1...2 {
            let output = try await CLI.run(["run", canaries, "--results", folder + "/r", "-q"] + TestServers.varArguments)
            #expect(output.status == 0, "\(output.stderr)")
            let mark = try String(contentsOfFile: folder + "/r/" + StateRebuild.markFileName, encoding: .utf8)
            let segment = try #require(RunLogFiles.newest(folder + "/r"))
            let size = try #require(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int)
            #expect(mark == "\(segment.dropFirst(folder.count + 3)) \(size)\n", "round \(round)")
        }
    }

    @Test("the memory a canary run holds per canary: peak RSS of 3,000 canaries minus 100's, over 2,900, under 5 KB")
    func memoryPerCanary() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var peaks: [Int: Int] = [:]
        for count in [100, 3000] {
            let canaries = folder + "/c\(count)"
            try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
            for index in 0..<count {
                try #"{name: "c\#(index)", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 200}}]}"#
                    .write(toFile: "\(canaries)/c\(index).json", atomically: false, encoding: .utf8)
            }
            // The second run is the steady state: state.json to load, a last record per canary.
            for _ in 1...2 {
                peaks[count] = try await Self.peakKB(["run", canaries, "--results", folder + "/r\(count)", "-q", "--jobs", "50"] + TestServers.varArguments)
            }
        }
        let perCanary = Double((peaks[3000] ?? 0) - (peaks[100] ?? 0)) / 2900
        // Measured in the debug build: 5.2-5.6 KB; 7.1 before the states, metrics and screenshot index stopped being copied.
        // Then the report's summaries moved into the record path (each canary's summary is held and
        // saved at close; heaptrack: about 0.75 KB a canary) and trace ids joined every record:
        // 8.8 KB, 7.5 once a summary's stored record was boxed (StoredLine.record is indirect).
        // 5.5 once a step's large optional parts were boxed (OptionalBox), events.jsonl was
        // written in pieces and the whole-run timeout stopped leaving a sleeping timer per attempt.
        // 3.6-3.9 once a batch's events waited as lines in an unnamed file, each canary was let go
        // as it started (CanaryBatch) and state.json was read a line at a time instead of whole.
        #expect(perCanary < 5, "\(perCanary) KB per canary (peaks \(peaks) KB)")
    }

    /// Runs canary with ARGUMENTS and returns its peak RSS in KB (python's wait4 of its only child).
    private static func peakKB(_ arguments: [String]) async throws -> Int {
        let script = "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
            + "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if code == 0 else -code)"
        let output = try await CLI.run(["-c", script, CLI.binary] + arguments, executable: "/usr/bin/python3")
        let peak = Int(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(peak > 0, "canary run failed: \(output.stdout) \(output.stderr)")
        return peak
    }
}
