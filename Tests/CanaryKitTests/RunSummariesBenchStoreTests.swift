import Foundation
import Testing
@testable import CanaryKit

/// bench/report-store.py generates the store `canary report` is measured on (bench/report-scale.sh):
/// it must be what canary writes, or the figures measure something else.
@Suite("report bench: the generated store reads back as canary's own")
struct RunSummariesBenchStoreTests {
    @Test("run segments named and rolled as canary's, every line byte for byte canary's encoding of its record")
    func generatedStore() throws {
        let folder = try SummaryFolder()
        defer { folder.remove() }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // 3 canaries once a minute for 70 minutes, 20% failing: one roll by age.
        python.arguments = ["python3", root.path + "/bench/report-store.py", folder.path, "3", "70", "20"]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/" + ResultsLayout.runLog), "no legacy runs.jsonl")
        let files = ResultsLayout.runLogFiles(directory: folder.path)
        #expect(files.count == 2, "\(files)")
        let reader = try ResultsReader(directory: folder.path)
        let (records, skipped) = try reader.records()
        #expect(records.count == 210 && skipped == 0)
        #expect(records.contains { !$0.passed } && records.contains { $0.passed })
        var differing: [(canary: String, generated: String)] = []
        for file in files {
            let name = String(file.dropFirst(ResultsLayout.runsFolder.count + 1).prefix(16))
            let begun = try #require(RunID.date(fromCompact: name))
            let text = try String(contentsOfFile: folder.path + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let record = try JSONDecoder().decode(RunRecord.self, from: Data(line.utf8))
                let canary = String(decoding: try RecordJSON.bytes(record, pretty: false), as: UTF8.self)
                if canary != String(line) { differing.append((canary, String(line))) }
                let end = try #require(EpochTime.seconds(fromISO8601: record.end))
                #expect(end >= begun.timeIntervalSince1970.rounded(.down) && end - begun.timeIntervalSince1970 < 3601, "\(file): \(record.end)")
            }
        }
        #expect(differing.isEmpty, "\(differing.count) lines differ from canary's; the first:\n\(differing.first.map { "canary:    \($0.canary)\ngenerated: \($0.generated)" } ?? "")")
        let summaries = RunSummaries.current(directory: folder.path).summaries
        #expect(summaries.runCount == 210 && summaries.incidents.total > 0)
    }
}
