import CanaryKit
import Foundation
import Testing

/// Issue 22, item 11: the report's links are relative to where the report is written, wherever
/// that is, so they open the run's files from the default `./report.html` too.
@Suite("Report links from the command line", .serialized)
struct ReportLinkTests {
    @Test("links to run.json and snapshots resolve from the report's folder", arguments: [
        (results: nil as String?, output: nil as String?),
        (results: "out/results", output: nil),
        (results: nil, output: "pages/deep/r.html"),
        (results: "out/results", output: "out/results/report.html"),
    ])
    func linksResolve(results: String?, output: String?) async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "down", steps: [{name: "get", request: {url: "{{httpbin}}/status/503"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        let resultsFlag = results.map { ["--results", $0] } ?? []
        let run = try await CLI.run(["run", "down.json"] + resultsFlag + TestServers.varArguments, currentDirectory: folder)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        if let output { try FileManager.default.createDirectory(atPath: folder + "/" + (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true) }
        let report = try await CLI.run(["report"] + resultsFlag + (output.map { ["-o", $0] } ?? []), currentDirectory: folder)
        #expect(report.status == 0, "\(report.stdout)\(report.stderr)")
        let page = folder + "/" + (output ?? "report.html")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let links = html.matches(of: /href="([^"#][^"]*)"/).map { String($0.1) }
        #expect(links.count == 2, "\(links)")
        let base = URL(fileURLWithPath: page).deletingLastPathComponent()
        for link in links {
            let target = URL(string: link, relativeTo: base)?.standardizedFileURL.path ?? ""
            #expect(FileManager.default.fileExists(atPath: target), "\(link) from \(page) does not resolve")
        }
    }

    @Test("a failed run without a folder (--artifacts none) is linked nowhere: the card names canary show instead")
    func noFolder() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "down now", steps: [{name: "get", request: {url: "{{httpbin}}/status/503"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", "down.json", "--artifacts", "none"] + TestServers.varArguments, currentDirectory: folder)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let report = try await CLI.run(["report"], currentDirectory: folder)
        #expect(report.status == 0, "\(report.stdout)\(report.stderr)")
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        let links = html.matches(of: /href="([^"#][^"]*)"/).map { String($0.1) }
        #expect(links.isEmpty, "\(links)")
        let runId = try #require(try RunLogFiles.text(folder + "/results").split(separator: "\n").first
            .flatMap { try JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)).runId })
        #expect(html.contains("no run folder kept: <code>canary show &#39;down now&#39; --run \(runId)</code>")
            || html.contains("no run folder kept: <code>canary show 'down now' --run \(runId)</code>"), "\(html)")
        let shown = try await CLI.run(["show", "down now", "--run", runId], currentDirectory: folder)
        #expect(shown.status == 0 && shown.stdout.contains("# failed: status: expected 200, got 503"), "\(shown.stdout)\(shown.stderr)")
    }

    @Test("report --results with a folder that does not exist says so and how to fix it")
    func missingResults() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try await CLI.run(["report", "--results", "nonexist"], currentDirectory: folder)
        #expect(report.status == 2)
        #expect(report.stderr.contains("nonexist") && report.stderr.contains("no such results folder") && report.stderr.contains("--results DIR"), "\(report.stderr)")
    }
}
