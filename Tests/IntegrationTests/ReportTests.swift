import CanaryKit
import Foundation
import Testing

/// Canaries with every kind of outcome: passing, failing on a hostile header, refused, flaky.
private let canaries = [
    #"{name: "httpbin-get", steps: [{name: "get", request: {url: "{{httpbin}}/get"}, expect: {status: 200}}, {name: "uuid", request: {url: "{{httpbin}}/uuid"}}]}"#,
    #"{name: "static-site", steps: [{name: "hello", request: {url: "{{site}}/hello.txt"}, expect: {status: 200}}, {name: "tls", request: {url: "{{tls}}/status.json"}, expect: {status: 200}}]}"#,
    #"{name: "hostile-header", steps: [{name: "evil", request: {url: "{{httpbin}}/response-headers?X-Evil=%3Cscript%3Ealert(1)%3C/script%3E"}, expect: {headers: {"X-Evil": "safe"}}}]}"#,
    #"{name: "refused", steps: [{name: "down", request: {url: "{{closed}}/"}}]}"#,
    // httpbin picks one of the codes at random: some runs pass, some fail.
    #"{name: "flaky", steps: [{name: "maybe", request: {url: "{{httpbin}}/status/200,503"}, expect: {status: 200}}]}"#,
]

@Suite("HTML report of real runs", .serialized)
struct ReportTests {
    @Test("a results folder of real runs becomes a report whose links resolve, and a readable screenshot")
    func reportOfRealRuns() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let results = scratch.path + "/results"
        let store = try ResultsStore(directory: results)
        let harness = CanaryHarness()
        let rounds = 6
        for _ in 0..<rounds {
            for source in canaries {
                let result = try #require(await harness.run(source))
                try await store.record(result)
            }
        }
        store.close()
        // A crash in the middle of an append leaves a torn last line.
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: try #require(RunLogFiles.newest(results))))
        try log.seekToEnd()
        try log.write(contentsOf: Data(#"{"canary":"torn","runId":"2026"#.utf8))
        try log.close()

        let output = results + "/report.html"
        let summary = try HTMLReport.build(resultsDirectory: results, output: output)
        #expect(summary == ReportSummary(canaries: canaries.count, runs: canaries.count * rounds, skippedLines: 1))
        let page = try String(contentsOfFile: output, encoding: .utf8)
        for name in ["httpbin-get", "static-site", "hostile-header", "refused", "flaky"] {
            #expect(page.contains("id=\"canary-\(name)\""), "\(name)")
        }
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        checkLinks(page, results: results)

        guard let browser = screenshotBrowser() else { return }
        let problem = await browser.capture(html: Array(page.utf8), to: scratch.path + "/report.png")
        #expect(problem == nil)
        #expect(await browser.capture(html: Array("<!DOCTYPE html><html><body></body></html>".utf8), to: scratch.path + "/blank.png") == nil)
        let shot = scratch.bytes("report.png"), blank = scratch.bytes("blank.png")
        let size = try #require(pngSize(shot))
        #expect(size.width == 1280 && size.height == 900)
        // Blank pages compress to a few kilobytes; tables, text and charts don't.
        #expect(shot.count > blank.count * 5, "report \(shot.count) bytes, blank \(blank.count) bytes")
        keepForInspection(scratch.path + "/report.png")
        keepForInspection(output)
    }

    /// Every link to a file (run.json, step snapshots) points at one the run wrote.
    private func checkLinks(_ page: String, results: String) {
        let hrefs = page.components(separatedBy: " href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        let files = hrefs.filter { $0.hasPrefix("./") }
        #expect(files.contains { $0.hasSuffix("/run.json") })
        #expect(files.contains { $0.hasSuffix("/01-evil.http") })
        for link in files {
            let path = results + "/" + (link.dropFirst(2).removingPercentEncoding ?? "")
            #expect(FileManager.default.fileExists(atPath: path), "\(link) does not resolve")
        }
        #expect(hrefs.allSatisfy { $0.hasPrefix("./") || $0.hasPrefix("#") })
    }
}
