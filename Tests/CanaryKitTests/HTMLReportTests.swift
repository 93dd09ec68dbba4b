import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

private let generated = Date(timeIntervalSince1970: 1_795_000_000)

private func timings(_ dns: Double, _ connect: Double, _ tls: Double, firstByte: Double, transfer: Double) -> Timings {
    Timings(dns: dns, connect: connect, tls: tls, firstByte: firstByte, transfer: transfer, total: firstByte + transfer)
}

private func step(_ name: String, _ outcome: StepOutcome = .passed, message: String? = nil, error: String? = nil) -> StepRecord {
    let failures = message.map { [AssertionFailure(assertion: "status", expected: "200", actual: "503", message: $0)] } ?? []
    return StepRecord(
        name: name, outcome: outcome, statusCode: outcome == .failed ? 503 : 200,
        timings: timings(1, 2, 3, firstByte: 20, transfer: 5), failures: failures, error: error,
        errorKind: nil, request: outcome == .skipped ? nil : RequestSummary(method: "GET", url: "http://example.test/\(name)"),
        response: nil)
}

/// A run at `minute` minutes past 14:00 on 2026-11-22; failed when a step failed.
private func run(_ canary: String, minute: Int, steps: [StepRecord]) -> RunRecord {
    let start = String(format: "2026-11-22T14:%02d:00.000Z", minute)
    let passed = steps.allSatisfy { $0.outcome != .failed }
    return RunRecord(
        canary: canary, runId: String(format: "20261122T14%02d00Z-%04d", minute, minute), start: start, end: start,
        durationMs: 30, passed: passed, attempt: 1, tags: [:], error: nil, file: "\(canary).json", steps: steps)
}

private let hostile = #"<script>alert("x")</script><img src=x onerror=alert(1)> see http://evil.example/x & 'more'"#

private let records: [RunRecord] = [
    run("checkout", minute: 1, steps: [step("login"), step("pay")]),
    run("api", minute: 2, steps: [step("get")]),
    run("checkout", minute: 3, steps: [step("login"), step("pay", .failed, error: "connection refused")]),
    run("api", minute: 4, steps: [step("get")]),
    run("checkout", minute: 5, steps: [step("login"), step("pay")]),
    run("checkout", minute: 6, steps: [step("login", .failed, message: hostile), step("pay", .skipped)]),
]

/// Every attribute value in the page, from `name="value"` pairs inside tags.
private func attributeValues(_ html: String, named name: String) -> [String] {
    html.components(separatedBy: " \(name)=\"").dropFirst().compactMap { $0.split(separator: "\"", maxSplits: 1).first.map(String.init) }
}

@Suite("HTML report")
struct HTMLReportTests {
    let page = HTMLReport.render(records: records, generatedAt: generated)

    @Test("a hostile failure message is shown as text, never as markup")
    func escapesMessages() {
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.contains("&amp; &#39;more&#39;"))
    }

    @Test("a hostile canary name can't break out of text, attributes or links")
    func escapesNames() {
        let name = #"x"><script>1</script>javascript:"#
        let html = HTMLReport.render(records: [run(name, minute: 1, steps: [step("a", .failed, message: "m")])], generatedAt: generated)
        #expect(!html.contains("<script>1"))
        #expect(html.contains("x&quot;&gt;&lt;script&gt;1&lt;/script&gt;javascript:"))
        for href in attributeValues(html, named: "href") { #expect(href.hasPrefix("./") || href.hasPrefix("#"), "\(href)") }
        // The link goes to the name's slug, which holds nothing to escape.
        #expect(html.contains(#"href="./x-script-1-script-javascript-"# + NameSlug.hash(name) + #"/20261122T140100Z-0001/run.json""#))
    }

    @Test("every canary gets a section with a chart, sorted by name")
    func allCanariesPresent() throws {
        let api = try #require(page.range(of: "id=\"canary-api\""))
        let checkout = try #require(page.range(of: "id=\"canary-checkout\""))
        #expect(api.lowerBound < checkout.lowerBound)
        #expect(page.components(separatedBy: "<svg class=\"chart\"").count - 1 == 2)
        #expect(page.components(separatedBy: "<section class=\"canary").count - 1 == 2)
        #expect(page.contains("2 canaries · 6 runs"))
        #expect(page.contains("1 passing, 1 failing"))
    }

    @Test("status, success rate and run count come from the runs in the file")
    func statusAndRate() {
        #expect(page.contains("<section class=\"canary fail\" id=\"canary-checkout\">"))
        #expect(page.contains("<section class=\"canary pass\" id=\"canary-api\">"))
        #expect(page.contains("50% (2 of 4)"))
        #expect(page.contains("100% (2 of 2)"))
        #expect(page.contains("✗") && page.contains("✓"))
        #expect(page.contains("2026-11-22 14:06:00 UTC"))
    }

    @Test("the last failure names its step and links to its snapshot and run.json, relatively")
    func lastFailureLinks() {
        #expect(page.contains("step 1 · login"))
        #expect(page.contains("<code>&lt;script&gt;"))
        #expect(!page.contains("connection refused"), "only the last failure is shown")
        #expect(page.contains(#"href="./checkout/20261122T140600Z-0006/01-login.http""#))
        #expect(page.contains(#"href="./checkout/20261122T140600Z-0006/run.json""#))
        for href in attributeValues(page, named: "href") { #expect(href.hasPrefix("./") || href.hasPrefix("#"), "\(href)") }
    }

    @Test("a step that never sent its request links run.json only: it has no snapshot")
    func noSnapshotWithoutRequest() {
        var failed = step("login", .failed, error: "test.json: step 'login': {{token}} is not defined")
        failed.request = nil
        let html = HTMLReport.render(records: [run("a", minute: 1, steps: [failed])], generatedAt: generated)
        #expect(!html.contains(".http\""))
        #expect(html.contains(#"href="./a/20261122T140100Z-0001/run.json""#))
        #expect(html.contains("step 1 · login"))
    }

    @Test("nothing is loaded from elsewhere: no src attributes, URLs only inside escaped text")
    func selfContained() {
        #expect(attributeValues(page, named: "src").isEmpty)
        #expect(!page.contains("@import") && !page.contains("url("))
        var rest = page[...]
        while let found = rest.range(of: "://") {
            // Inside a tag the last '<' before the URL would come after the last '>'.
            let before = page[..<found.lowerBound]
            let lastOpen = before.lastIndex(of: "<"), lastClose = before.lastIndex(of: ">")
            #expect(lastOpen.map { open in lastClose.map { $0 > open } ?? false } ?? true, "URL inside a tag")
            rest = page[found.upperBound...]
        }
    }

    @Test("the chart stacks five phases, marks failed runs and has labelled axes and a legend")
    func chart() {
        for phase in ["dns", "connect", "tls", "wait", "transfer", "failed run (2)"] {
            #expect(page.contains("</i>\(phase)</span>"), "\(phase)")
        }
        #expect(page.contains(" ms</text>"))
        #expect(page.components(separatedBy: "fill=\"\(LatencyChart.failColor)\"").count - 1 == 2)
    }

    @Test("wait is time to first byte after dns, connect and tls, never negative")
    func phaseTimes() {
        var record = run("a", minute: 1, steps: [step("s")])
        #expect(LatencyChart.phaseTimes(record) == [1, 2, 3, 14, 5])
        record.steps[0].timings = timings(5, 5, 5, firstByte: 10, transfer: 0)
        #expect(LatencyChart.phaseTimes(record) == [5, 5, 5, 0, 0])
    }

    @Test("the scale is four round steps", arguments: [(0.0, 1.0), (3, 3), (9, 10), (30, 30), (101, 120), (420, 600), (1234, 1600)])
    func niceCeiling(value: Double, expected: Double) {
        #expect(abs(LatencyChart.niceCeiling(value) - expected) < 1e-9)
    }

    @Test("the chart shows the last 100 runs")
    func chartLimit() {
        let many = (0..<150).map { run("busy", minute: $0 % 60, steps: [step("s")]) }
        let html = HTMLReport.render(records: many, generatedAt: generated)
        #expect(html.contains("Latency of the last 100 runs"))
        #expect(html.contains("100% (150 of 150)"))
    }

    @Test("an empty file still makes a page")
    func empty() {
        #expect(HTMLReport.render(records: [], generatedAt: generated).contains("No runs recorded yet."))
    }

    @Test("build skips and counts lines that don't decode, such as a torn last line")
    func buildSkipsTornLines() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/html-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let encoder = JSONEncoder()
        var lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        lines.append("not json")
        let torn = String(lines[0].prefix(40))
        try (lines.joined(separator: "\n") + "\n\n" + torn).write(toFile: folder + "/runs.jsonl", atomically: true, encoding: .utf8)
        let summary = try HTMLReport.build(resultsDirectory: folder, output: folder + "/report.html", now: generated)
        #expect(summary == ReportSummary(canaries: 2, runs: 6, skippedLines: 2))
        let written = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(written.contains("2 lines of the run log could not be read"))
    }

    @Test("build names the missing file")
    func buildMissing() {
        #expect(throws: RecordingError.self) {
            try HTMLReport.build(resultsDirectory: "/nonexistent-\(UUID().uuidString)", output: "/tmp/x.html")
        }
    }
}
