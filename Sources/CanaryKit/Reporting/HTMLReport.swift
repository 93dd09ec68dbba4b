import Foundation

/// What `HTMLReport.build` read and wrote.
public struct ReportSummary: Sendable, Equatable {
    /// Distinct canaries in the report.
    public var canaries: Int
    /// Runs read from `runs.jsonl`.
    public var runs: Int
    /// Lines of `runs.jsonl` that did not decode (a crash can leave a torn last line).
    public var skippedLines: Int

    /// A summary with the given counts.
    public init(canaries: Int, runs: Int, skippedLines: Int) {
        self.canaries = canaries
        self.runs = runs
        self.skippedLines = skippedLines
    }
}

/// One self-contained HTML page over `runs.jsonl`: status, success rate, last failure and a
/// latency chart per canary. No scripts, fonts or remote resources, so it can be mailed or
/// served as a file. Every string from a record is escaped: messages carry server data.
public enum HTMLReport {
    /// The runs shown in each canary's latency chart.
    static let chartRuns = 100
    /// Longer failure messages are cut; the snapshot holds the whole story.
    static let messageLimit = 600

    /// Reads the results folder's runs (through `ResultsReader`) and writes the page to `output` atomically.
    public static func build(resultsDirectory: String, output: String, now: Date = Date()) throws -> ReportSummary {
        let reader = try ResultsReader(directory: resultsDirectory)
        let (records, skipped) = try reader.records()
        let page = render(records: records, generatedAt: now, skippedLines: skipped, linkBase: linkBase(from: output, to: resultsDirectory),
                          extras: extras(group(records), reader: reader))
        try FileIO.writeAtomically(Array(page.utf8), to: output, durable: false)
        return ReportSummary(canaries: Set(records.map(\.canary)).count, runs: records.count, skippedLines: skipped)
    }

    /// The page for `records`, in any order.
    public static func render(records: [RunRecord], generatedAt: Date) -> String {
        render(records: records, generatedAt: generatedAt, skippedLines: 0)
    }

    /// `linkBase`: the path from the page's folder to the results folder, as segments (`..`, `results`).
    static func render(records: [RunRecord], generatedAt: Date, skippedLines: Int, linkBase: [String] = [], extras: ReportExtras = ReportExtras()) -> String {
        let canaries = group(records)
        // An inconclusive run (the runner lacked a resource) says nothing about the target.
        let failing = canaries.filter { !($0.runs.last { !$0.isInconclusive }?.passed ?? true) }.count
        let generated = RunID.iso8601(generatedAt)
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Canary report</title>
            <style>\(stylesheet)</style>
            </head><body>
            <header><h1>Canary report</h1>
            <p class="totals"><span class="\(failing > 0 ? "bad" : "good")">\(canaries.count - failing) passing, \(failing) failing</span>
             · \(canaries.count) canaries · \(records.count) runs · generated \(escape(displayTime(generated)))</p>

            """
        if skippedLines > 0 {
            html += "<p class=\"warning\">\(skippedLines) line\(skippedLines == 1 ? "" : "s") of runs.jsonl could not be read and \(skippedLines == 1 ? "was" : "were") skipped.</p>\n"
        }
        html += "</header>\n<main>\n"
        if canaries.isEmpty {
            html += "<p class=\"empty\">No runs recorded yet.</p>\n"
        } else {
            html += overview(canaries, now: generatedAt)
            html += incidentsBlock(extras.incidents, now: generatedAt)
            for canary in canaries { html += section(canary, now: generatedAt, linkBase: linkBase, diff: extras.diffs[canary.name]) }
        }
        html += "</main>\n</body></html>\n"
        return html
    }

    /// One canary's runs, oldest first.
    struct CanaryRuns {
        var name: String
        var runs: [RunRecord]
        var passedCount: Int { runs.filter(\.passed).count }
        var inconclusiveCount: Int { runs.filter(\.isInconclusive).count }
        /// Of the conclusive runs: inconclusive ones neither passed nor failed.
        var successRate: Double {
            let conclusive = runs.count - inconclusiveCount
            return conclusive == 0 ? 0 : Double(passedCount) / Double(conclusive)
        }
    }

    /// Canaries sorted by name; runs by start time (ISO 8601 UTC in one format sorts as text),
    /// keeping file order for equal starts.
    static func group(_ records: [RunRecord]) -> [CanaryRuns] {
        var byName: [String: [RunRecord]] = [:]
        for record in records { byName[record.canary, default: []].append(record) }
        return byName.keys.sorted().map { name in
            let runs = (byName[name] ?? []).enumerated().sorted { a, b in
                a.element.start != b.element.start ? a.element.start < b.element.start : a.offset < b.offset
            }.map(\.element)
            return CanaryRuns(name: name, runs: runs)
        }
    }

    private static func overview(_ canaries: [CanaryRuns], now: Date) -> String {
        var html = "<table class=\"overview\"><thead><tr><th>Canary</th><th>Status</th><th>Success</th><th>Uptime 24 h · 7 d · 30 d</th><th>Runs</th><th>Last run</th></tr></thead><tbody>\n"
        for canary in canaries {
            guard let last = canary.runs.last else { continue }
            let state = last.passed ? "pass" : "fail"
            html += "<tr class=\"\(state)\"><td><a href=\"#\(anchor(canary.name))\">\(escape(canary.name))</a></td>"
            html += "<td class=\"status\">\(statusBadge(last))</td>"
            html += "<td class=\"num\">\(percent(canary.successRate))</td><td class=\"num\">\(uptimeText(Uptime(runs: canary.runs, now: now)))</td>"
            html += "<td class=\"num\">\(canary.runs.count)</td>"
            html += "<td>\(escape(displayTime(last.start)))\(age(of: last.start, now: now))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    private static func section(_ canary: CanaryRuns, now: Date, linkBase: [String], diff: RunDiff?) -> String {
        guard let last = canary.runs.last else { return "" }
        var html = "<section class=\"canary \(last.passed ? "pass" : "fail")\" id=\"\(anchor(canary.name))\">\n"
        html += "<h2>\(statusBadge(last)) \(escape(canary.name))</h2>\n<dl class=\"facts\">"
        html += fact("Status", last.isDegraded ? "last run degraded: passed, but missed a warn check" : last.passed && last.flaky == true
            ? "last run flaky: passed on attempt \(last.attempt)" : last.passed ? "last run passed" : last.isInconclusive
            ? "last run inconclusive: the runner lacked a resource of its own (\(last.error ?? "localResource"))" : "last run failed")
        html += fact("Success rate", "\(percent(canary.successRate)) (\(canary.passedCount) of \(canary.runs.count - canary.inconclusiveCount))")
        html += fact("Uptime 24 h · 7 d · 30 d", uptimeText(Uptime(runs: canary.runs, now: now)))
        html += fact("Runs", "\(canary.runs.count)" + (canary.inconclusiveCount > 0 ? ", \(canary.inconclusiveCount) inconclusive" : ""))
        html += fact("Last run", displayTime(last.start), extra: age(of: last.start, now: now))
        html += fact("Last duration", ConsoleReport.formatMilliseconds(last.durationMs))
        html += "</dl>\n"
        if let failed = canary.runs.last(where: { !$0.passed && !$0.isInconclusive }) {
            html += failureBlock(failed, now: now, linkBase: linkBase)
            if let diff { html += diffBlock(diff) }
        } else {
            html += "<p class=\"nofailure\">No failures in the recorded runs.</p>\n"
        }
        html += LatencyChart(runs: Array(canary.runs.suffix(chartRuns))).svg()
        return html + "</section>\n"
    }

    /// The last failed run: which step, what went wrong, and links to its snapshot and run.json.
    private static func failureBlock(_ run: RunRecord, now: Date, linkBase: [String]) -> String {
        var html = "<div class=\"failure\"><h3>Last failure <span class=\"when\">\(escape(displayTime(run.start)))\(age(of: run.start, now: now))</span></h3>\n"
        let failedIndex = run.steps.firstIndex { $0.outcome == .failed }
        let message = run.firstFailure?.message ?? run.error ?? "failed"
        html += "<p class=\"message\">"
        if let index = failedIndex {
            html += "<span class=\"step\">step \(index + 1) · \(escape(run.steps[index].name))</span> "
        }
        html += "<code>\(escape(truncated(message)))</code></p>\n<p class=\"links\">"
        // A step that never sent its request (an interpolation error) has no snapshot.
        if let index = failedIndex, run.steps[index].request != nil {
            let snapshot = Snapshot.baseName(index: index + 1, step: run.steps[index].name) + ".http"
            html += "<a href=\"\(relativePath([run.canary, run.runId, snapshot], from: linkBase))\">snapshot of step \(index + 1)</a> · "
            html += screenshotLinks(run, step: index, from: linkBase)
        }
        html += "<a href=\"\(relativePath([run.canary, run.runId, "run.json"], from: linkBase))\">run.json</a> <span class=\"runid\">\(escape(run.runId))</span></p></div>\n"
        return html
    }

    /// The failed step's screenshot and visual diff, or why it has none. The names are rebuilt
    /// from the step, not taken from the record, so a link can only point into the run's folder.
    private static func screenshotLinks(_ run: RunRecord, step index: Int, from linkBase: [String]) -> String {
        guard let shot = run.steps[index].screenshot else { return "" }
        let base = Snapshot.baseName(index: index + 1, step: run.steps[index].name)
        var html = ""
        if shot.file != nil { html += "<a href=\"\(relativePath([run.canary, run.runId, base + ".png"], from: linkBase))\">screenshot</a> · " }
        if shot.diffFile != nil { html += "<a href=\"\(relativePath([run.canary, run.runId, base + ".diff.png"], from: linkBase))\">visual diff</a> · " }
        if let problem = shot.error { html += "<span class=\"when\">no screenshot: \(escape(truncated(problem)))</span> · " }
        return html
    }

    private static func fact(_ term: String, _ value: String, extra: String = "") -> String {
        "<div><dt>\(term)</dt><dd>\(escape(value))\(extra)</dd></div>"
    }

    private static func statusBadge(_ run: RunRecord) -> String {
        if run.isInconclusive { return "<span class=\"badge\" title=\"inconclusive: the runner lacked a resource\">?</span>" }
        if run.isDegraded { return "<span class=\"badge degraded\" title=\"degraded: passed, but missed a warn check\">⚠</span>" }
        return run.passed ? "<span class=\"badge pass\" title=\"passed\">✓</span>" : "<span class=\"badge fail\" title=\"failed\">✗</span>"
    }

    static func truncated(_ text: String) -> String {
        text.count > messageLimit ? String(text.prefix(messageLimit)) + "… (\(text.count) characters; see the snapshot)" : text
    }
}
