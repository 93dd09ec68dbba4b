import CanaryKit
import Foundation
import Testing

/// A full disk while a record is appended to a run segment, after a crash tore that segment's
/// last line: the segments stay readable to their last whole line, the torn tail is repaired,
/// nothing recorded before is lost, and a run after freeing space records.
@Suite("disk faults: the run segments")
struct SegmentDiskFaultTests {
    private func run(_ canaries: String, results: String) async throws -> CLI.Output {
        try await CLI.run(["run", canaries, "--results", results, "-q", "--artifacts", "none"] + TestServers.varArguments("site"))
    }

    /// The newest run segment.
    private func newestSegment(_ results: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: results + "/runs").filter { $0.hasSuffix(".jsonl") }.sorted()
        return results + "/runs/" + (try #require(names.last))
    }

    @Test("a torn tail, then a disk that fills inside the run-segment append (0 to about one run's records free): every segment whole, earlier records unchanged, the next run records")
    func fullDiskInSegmentAppend() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = folder + "/c"
        try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
        for index in 0..<10 {
            try "{name: \"c\(index)\", steps: [{request: {url: \"{{site}}/status.json\"}}]}".write(toFile: canaries + "/c\(index).json", atomically: true, encoding: .utf8)
        }
        let results = folder + "/r"
        guard let disk = TmpfsMount.mount(at: results, options: "size=1m,mode=0755") else { return }
        defer { disk.unmount() }
        #expect(try await run(canaries, results: results).status == 0)
        var previous = try await ResultsAudit.of(results)
        #expect(previous.runLines.count == 10 && previous.unreadable.isEmpty)

        var full: [String] = []
        // From no room (the segment's last page still takes some) to a few pages (tmpfs counts
        // pages of 4 KiB; ten records are about two): the disk fills inside the record appends.
        for leftover in [0, 2_000, 4_096, 6_000, 9_000, 14_000] {
            // What a SIGKILL in the middle of an append leaves: half a line at the end.
            let segment = try newestSegment(results)
            let handle = try #require(FileHandle(forWritingAtPath: segment))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"canary":"c0","runId":"2026"#.utf8))
            try handle.close()
            try disk.fill(leaving: leftover)
            let output = try await run(canaries, results: results)
            let audit = try await ResultsAudit.of(results)
            #expect(audit.unreadable.isEmpty, "with \(leftover) bytes free: \(audit.unreadable)")
            #expect(Array(audit.runLines.prefix(previous.runLines.count)) == previous.runLines, "with \(leftover) bytes free: earlier records changed")
            #expect(output.status == 0 || output.status == 2, "with \(leftover) bytes free: \(output.stderr)")
            if output.status == 2 {
                full.append(output.stderr)
                #expect(output.stderr.contains("No space left on device; free space on that disk"), "\(output.stderr)")
            }
            previous = audit
            disk.free()
        }
        #expect(full.count >= 2, "the disk was never full")
        #expect(full.contains { $0.contains("cannot write \(results)/runs/") }, "the disk never filled inside a run-segment append: \(full)")
        #expect(try await run(canaries, results: results).status == 0)
        let final = try await ResultsAudit.of(results)
        #expect(final.runLines.count == previous.runLines.count + 10 && final.unreadable.isEmpty, "\(final.unreadable)")
        #expect(Array(final.runLines.prefix(previous.runLines.count)) == previous.runLines)
    }
}
