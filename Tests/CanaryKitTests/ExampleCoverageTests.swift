import Foundation
import Testing
@testable import CanaryKit

/// README: "The examples in `canaries/` use every feature between them" (issue 26.7). The keys
/// come from the decoder's own tables as it reads the files, so a new key needs an example.
@Suite("the examples in canaries/ use every key and predicate of the format")
struct ExampleCoverageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func coverage(of files: [String]) throws -> FormatCoverage {
        var coverage = FormatCoverage()
        for file in files {
            let source = try Data(contentsOf: URL(fileURLWithPath: file))
            coverage.merge(CanaryLoader.formatCoverage(source: [UInt8](source), file: file))
        }
        return coverage
    }

    @Test("every key of every table the decoder reads, and every predicate, appears in some example")
    func everyKey() throws {
        let folder = Self.root.appendingPathComponent("canaries").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") || $0.hasSuffix(".json5") }
        let coverage = try Self.coverage(of: files.sorted().map { folder + "/" + $0 })
        #expect(coverage.tables.count >= 10, "the decoder read \(coverage.tables.map(\.what))")
        #expect(coverage.unusedKeys.isEmpty, "\(coverage.unusedKeys.joined(separator: "\n"))")
    }

    @Test("the check names what a file leaves out, nested tables included")
    func namesTheGaps() {
        let source = #"{name: "a", alarm: {evaluationPeriods: 2}, steps: [{request: {url: "http://x/"}, expect: {status: {lt: 300}}}]}"#
        let coverage = CanaryLoader.formatCoverage(source: Array(source.utf8), file: "a.json")
        let lines = coverage.unusedKeys
        #expect(lines.contains { $0.hasPrefix("'alarm': no example uses datapointsToAlarm") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("a predicate: no example uses eq, ne, lte") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("the canary: no example uses description, schedule") }, "\(lines)")
        #expect(!lines.contains { $0.contains("'timings'") }, "a table never read is not listed: its parent key is")
    }
}
