import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

/// `RunOutputs.finish` called again and again (the scheduler's flushes): state.json and
/// metrics.prom are rendered only for the canaries that changed, and are still the files a
/// single full render of the same states gives.
@Suite("run outputs: repeated flushes")
struct RunOutputsFlushTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func canary(_ index: Int, tags: [(key: String, value: String)] = []) -> Canary {
        let name = String(format: "c%04d", index)
        return Canary(name: name, file: "/nonexistent-\(UUID().uuidString)/\(name).json", tags: tags, alarm: AlarmRule(evaluationPeriods: 1, datapointsToAlarm: 1), steps: [])
    }

    static func record(_ index: Int, passed: Bool = true, at second: Double = 0) -> RunRecord {
        let time = RunID.iso8601(start.addingTimeInterval(second))
        let timings = Timings(dns: 1, connect: 2, tls: 0, firstByte: 3 + Double(index % 5), transfer: 1, total: 7 + Double(index % 5))
        let step = StepRecord(name: "get", outcome: passed ? .passed : .failed, statusCode: passed ? 200 : 503, timings: timings,
                              failures: passed ? [] : [AssertionFailure(assertion: "status", expected: "200", actual: "503", message: "status: expected 200, got 503")],
                              error: nil, errorKind: nil, request: RequestSummary(method: "GET", url: "http://example.test/\(index)"), response: nil)
        let name = String(format: "c%04d", index)
        return RunRecord(canary: name, runId: String(format: "20261122T1400%02dZ-%04x", Int(second) % 60, index), start: time, end: time,
                         durationMs: timings.total, passed: passed, attempt: 1, tags: ["team": "t\(index % 3)"], error: passed ? nil : "status",
                         file: "/nonexistent/\(name).json", steps: [step])
    }

    static func outputs(_ folder: String, _ canaries: [Canary]) throws -> RunOutputs {
        var settings = OutputSettings()
        settings.forgetAfter = .zero
        return try RunOutputs(directory: folder, settings: settings, engine: try CurlEngine(), canaries: canaries)
    }

    static func read(_ folder: String, _ name: String) throws -> String {
        try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
    }

    /// The calls of stage `number` (0 to 3): runs; more runs, a missed run and a forgotten canary;
    /// a canary whose file is gone (removed at once with --forget-after 0); a reload.
    static func stage(_ number: Int, _ outputs: RunOutputs, _ canaries: [Canary]) async throws {
        let now = Self.start.addingTimeInterval(Double(number * 60))
        switch number {
        case 0:
            for index in 0..<30 { await outputs.add(Self.record(index), now: now) }
        case 1:
            for index in [1, 2, 3, 35] { await outputs.add(Self.record(index, passed: index != 2, at: 60), now: now) }
            await outputs.missedRuns("c0004", now: now)
            _ = try await outputs.forget(["c0005"], now: now)
        case 2:
            await outputs.setInventory(CanaryInventory(canaries.filter { $0.name != "c0006" }), now: now)
        default:
            // c0008's tags change, c0040 is new, c0007 is no longer loaded.
            var reloaded = canaries.filter { $0.name != "c0006" && $0.name != "c0007" } + [Self.canary(40, tags: [("team", "new")])]
            if let eight = reloaded.firstIndex(where: { $0.name == "c0008" }) { reloaded[eight].tags = [("team", "changed")] }
            await outputs.setRules(from: reloaded)
        }
    }

    @Test("after runs, a missed run, a forgotten canary, a removed file and a reload, the kept lines give the files one full render gives")
    func keptLinesMatchFullRender() async throws {
        let canaries = (0..<40).map { Self.canary($0, tags: $0 % 4 == 0 ? [("team", "a")] : []) }
        let flushed = try SummaryFolder()
        defer { flushed.remove() }
        let outputs = try Self.outputs(flushed.path, canaries)
        _ = try await outputs.finish()
        for number in 0...3 {
            try await Self.stage(number, outputs, canaries)
            _ = try await outputs.finish()
            // The same calls, finished once: every canary rendered.
            let once = try SummaryFolder()
            defer { once.remove() }
            let reference = try Self.outputs(once.path, canaries)
            for earlier in 0...number { try await Self.stage(earlier, reference, canaries) }
            _ = try await reference.finish()
            #expect(try Self.read(flushed.path, "state.json") == Self.read(once.path, "state.json"), "after stage \(number)")
            #expect(try Self.read(flushed.path, "metrics.prom") == Self.read(once.path, "metrics.prom"), "after stage \(number)")
        }
        let state = try Self.read(flushed.path, "state.json"), metrics = try Self.read(flushed.path, "metrics.prom")
        #expect(!state.contains("\"c0005\"") && !state.contains("\"c0006\"") && state.contains("\"c0002\""))
        #expect(metrics.contains("canary_alarm_state{canary=\"c0040\",team=\"new\",state=\"INSUFFICIENT_DATA\"} 1"))
        #expect(metrics.contains("canary_alarm_state{canary=\"c0002\",team=\"t2\",state=\"ALARM\"} 1"))
    }

    @Test("a flush after a few canaries ran renders only those: it costs a fraction of one that renders them all")
    func flushRendersOnlyChanges() async throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let count = 3000
        let outputs = try Self.outputs(folder.path, (0..<count).map { Self.canary($0) })
        for index in 0..<count { await outputs.add(Self.record(index), now: Self.start) }
        _ = try await outputs.finish()
        // The second flush renders every canary (nothing is kept from the first, as `canary run` finishes once).
        let clock = ContinuousClock()
        let full = try await clock.measure { _ = try await outputs.finish() }
        var few = Duration.seconds(3600)
        for round in 1...3 {
            for index in stride(from: round, to: count, by: 100) { await outputs.add(Self.record(index, at: Double(round)), now: Self.start) }
            few = min(few, try await clock.measure { _ = try await outputs.finish() })
        }
        #expect(few < full / 3, "a flush after 30 of \(count) canaries ran took \(few), one rendering all \(full)")
    }
}
