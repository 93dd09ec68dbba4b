import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

private let now = Date(timeIntervalSince1970: 1_795_000_000)

/// One-step runs of `canaries` canaries once a minute for `runs` minutes, 1% failing, as the
/// report bench generates them (bench/report-store.py).
private func fleet(canaries: Int, runs: Int) -> [RunRecord] {
    var generator = SplitMix(seed: 11)
    return (0..<runs).flatMap { minute in
        (0..<canaries).map { index in
            let start = RunID.iso8601(now.addingTimeInterval(Double(minute - runs) * 60 + Double(index) * 0.01))
            let passed = generator.next() % 100 != 0
            let total = Double(1000 + generator.next() % 29_000) / 1000
            let timings = Timings(dns: 0.05, connect: 0.2, tls: 0, firstByte: total - 0.5, transfer: 0.5, total: total)
            let step = StepRecord(name: "get", outcome: passed ? .passed : .failed, statusCode: passed ? 200 : 503, timings: timings,
                                  failures: passed ? [] : [AssertionFailure(assertion: "status", expected: "200", actual: "503", message: "status: expected 200, got 503")],
                                  error: nil, errorKind: nil, request: RequestSummary(method: "GET", url: "http://127.0.0.1:8080/hello.txt"), response: nil)
            return RunRecord(canary: String(format: "c%05d", index), runId: String(format: "20261122T10%02d00Z-%04x", minute % 60, index),
                             start: start, end: start, durationMs: total, passed: passed, attempt: 1, tags: ["team": "t\(index % 10)"],
                             error: passed ? nil : "step get: status: expected 200, got 503", file: "canaries/c.json", steps: [step])
        }
    }
}

private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// summaries.bin: sparse (what each canary has), and read strictly: a file a crash cut or that
/// is not ours loads as nothing, and the report folds the logs again.
@Suite("run summaries: the summaries.bin file")
struct RunSummariesFileTests {
    @Test("sparse: 100 canaries run once a minute for 200 minutes take under 2.5 KB each (30 days of hours, 100 chart points)")
    func sparse() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let records = fleet(canaries: 100, runs: 200)
        try folder.writeSegment(0, records)
        let summaries = RunSummaries.current(directory: folder.path).summaries
        let bytes = summaries.encoded()
        #expect(bytes.count < 100 * 2500, "\(bytes.count) bytes")
        let back = try #require(RunSummaries(encoded: bytes))
        #expect(HTMLReport.render(back, generatedAt: now, skippedLines: 0) == HTMLReport.render(RunSummaries(records: records), generatedAt: now, skippedLines: 0))
    }

    @Test("every cut of the file, every flipped byte and garbage behind the right header load as nothing; the report then refolds")
    func hostileFiles() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let records = summaryHistory(120)
        try folder.writeSegment(0, records)
        let bytes = RunSummaries.current(directory: folder.path).summaries.encoded()
        let reference = HTMLReport.render(RunSummaries(records: records), generatedAt: now, skippedLines: 0)
        for length in 0..<bytes.count { #expect(RunSummaries(encoded: Array(bytes.prefix(length))) == nil, "cut at \(length)") }
        for index in stride(from: 0, to: bytes.count, by: 7) {
            var flipped = bytes
            flipped[index] ^= 0x20
            #expect(RunSummaries(encoded: flipped) == nil, "byte \(index) flipped")
        }
        var generator = SplitMix(seed: 7)
        for size in [0, 1, 8, 100, 5000] {
            let garbage = RunSummaries.magic + (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(RunSummaries(encoded: garbage) == nil)
            try Data(garbage).write(to: URL(fileURLWithPath: folder.path + "/" + ResultsLayout.summaries))
            let folded = RunSummaries.current(directory: folder.path)
            #expect(folded.changed && HTMLReport.render(folded.summaries, generatedAt: now, skippedLines: 0) == reference)
        }
    }

    @Test("a saved file naming a path outside the run log is refused")
    func foreignPaths() throws {
        var summaries = RunSummaries(records: summaryHistory(10))
        summaries.logPosition = LogPosition(file: "../elsewhere.jsonl", offset: 3)
        #expect(RunSummaries(encoded: summaries.encoded()) == nil)
        summaries.logPosition = LogPosition(file: "runs/20261122T100000Z-0001.jsonl", offset: 3)
        #expect(RunSummaries(encoded: summaries.encoded()) != nil)
    }
}
