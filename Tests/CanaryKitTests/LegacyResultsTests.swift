import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

/// Issue 14, item 1: results written before slugs (folders and files named by the names
/// themselves, which could hold upper case, '_' and '.') stay readable where they are.
@Suite("Names: results written before slugs")
struct LegacyResultsTests {
    let folder = FileManager.default.temporaryDirectory.path + "/legacy-results-\(UUID().uuidString)"
    let runId = "20261122T142900Z-0001"

    /// A failed run of canary `Api_v2`, step `Get_Data`, recorded with its folder, then moved to
    /// the names an earlier version used, its exchange segment gone: only the folder has its HAR.
    private func oldResults() async throws -> String {
        var record = AlarmTestRuns.run(passed: false, canary: "Api_v2", runId: runId)
        record.steps[0].name = "Get_Data"
        record.steps[0].request = RequestSummary(method: "GET", url: "http://127.0.0.1:1/data")
        let exchange = Exchange(step: "Get_Data", index: 1, started: AlarmTestRuns.time(), error: "refused", request: HTTPRequest(url: "http://127.0.0.1:1/data"))
        let store = try ResultsStore(directory: folder)
        try await store.record(RunResult(record: record, exchanges: [exchange], secrets: []))
        store.close()
        let slugFolder = ResultsLayout.canaryFolder("Api_v2")
        #expect(slugFolder == "api-v2-" + NameSlug.hash("Api_v2"))
        let manager = FileManager.default
        let stepFile = Snapshot.baseName(index: 1, step: "Get_Data") + ".http"
        #expect(manager.fileExists(atPath: folder + "/\(slugFolder)/\(runId)/\(stepFile)"), "written under the slugs now")
        try manager.moveItem(atPath: folder + "/\(slugFolder)/\(runId)/\(stepFile)", toPath: folder + "/\(slugFolder)/\(runId)/01-Get_Data.http")
        try manager.moveItem(atPath: folder + "/" + slugFolder, toPath: folder + "/Api_v2")
        try manager.removeItem(atPath: folder + "/exchanges")
        return folder + "/Api_v2/" + runId
    }

    @Test("the reader, the report's links and the store's byte count find the old folder in place")
    func readInPlace() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let old = try await oldResults()
        #expect(ResultsLayout.storedRunFolder(canary: "Api_v2", runId: runId, directory: folder) == "Api_v2/" + runId)
        let reader = try ResultsReader(directory: folder)
        let record = try #require(try reader.record(canary: "Api_v2", runId: runId))
        let attempts = try #require(try reader.attempts(of: record), "run.har read from the old folder")
        #expect(attempts.count == 1)
        let page = folder + "/report.html"
        _ = try HTMLReport.build(resultsDirectory: folder, output: page)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("href=\"./Api_v2/\(runId)/01-Get_Data.http\""), "the report links the old snapshot")
        #expect(html.contains("href=\"./Api_v2/\(runId)/run.json\""))
        // A new run goes to the slug folder; the old folder's bytes still count for --max-bytes.
        let oldBytes = try FileManager.default.contentsOfDirectory(atPath: old).reduce(0) { sum, name in
            sum + ((try? FileManager.default.attributesOfItem(atPath: old + "/" + name)[.size] as? Int) ?? 0)
        }
        let store = try ResultsStore(directory: folder)
        #expect(store.bytes >= oldBytes)
        store.close()
    }

    @Test("retention removes the old folder with its records")
    func retentionReachesOldFolders() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let old = try await oldResults()
        let store = try ResultsStore(directory: folder, options: RecordingOptions(retention: Retention(maxBytes: 1)))
        var next = AlarmTestRuns.run(passed: true, canary: "other", runId: "20261122T143000Z-0002")
        next.steps[0].name = "s"
        try await store.record(RunResult(record: next, exchanges: [], secrets: []))
        store.close()
        #expect(!FileManager.default.fileExists(atPath: old), "the oldest run folder goes first, in its old place too")
    }

    @Test("a baseline saved the old way is compared with; `canary baseline` adopts an old run's screenshot under the slugs")
    func baselines() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let baselines = Baselines(results: folder)
        try FileManager.default.createDirectory(atPath: baselines.folder + "/Api_v2", withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: baselines.folder + "/Api_v2/01-Get_Data.png"))
        let legacy = Snapshot.legacyBaseName(index: 1, step: "Get_Data").map { $0 + ".png" }
        #expect(legacy == "01-Get_Data.png")
        #expect(baselines.load(canary: "Api_v2", file: Snapshot.baseName(index: 1, step: "Get_Data") + ".png", legacyFile: legacy) == [1, 2, 3])
        let run = folder + "/Api_v2/" + runId
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try Data([4, 5]).write(to: URL(fileURLWithPath: run + "/01-Get_Data.png"))
        let adopted = try baselines.adopt(runFolder: run, canary: "Api_v2")
        let current = Snapshot.baseName(index: 1, step: "Get_Data") + ".png"
        #expect(adopted == [current])
        #expect(baselines.load(canary: "Api_v2", file: current) == [4, 5])
        #expect(baselines.path(canary: "Api_v2", file: current).hasSuffix("/.baselines/\(ResultsLayout.canaryFolder("Api_v2"))/\(current)"))
    }
}
