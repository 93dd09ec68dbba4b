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
    /// Longer failure messages are cut; the snapshot holds the whole story.
    static let messageLimit = 600

    /// Reads the results folder's summaries (`RunSummaries`: the saved ones plus a fold of the
    /// runs logged since, segment by segment), writes the page to `output` atomically, and saves
    /// the summaries it folded so the next report starts from there (best effort: a folder it may
    /// not write to is folded again next time). `traceURL`: `--trace-url`, a link to a run's
    /// trace with `{traceId}` in it.
    public static func build(resultsDirectory: String, output: String, now: Date = Date(), traceURL: String? = nil) throws -> ReportSummary {
        let reader = try ResultsReader(directory: resultsDirectory)
        let (summaries, changed, torn) = RunSummaries.current(directory: resultsDirectory)
        if changed { try? summaries.save(directory: resultsDirectory) }
        // A torn last line was never a logged run; it is counted here, not folded.
        let skipped = summaries.skipped + (torn ? 1 : 0)
        var extras = extras(summaries, reader: reader)
        extras.incidents = summaries.incidents.timeline
        extras.incidentTotal = summaries.incidents.total
        extras.traceURL = traceURL
        let page = render(summaries, generatedAt: now, skippedLines: skipped, linkBase: linkBase(from: output, to: resultsDirectory), extras: extras)
        try FileIO.writeAtomically(Array(page.utf8), to: output, durable: false)
        return ReportSummary(canaries: summaries.canaries.count, runs: summaries.runCount, skippedLines: skipped)
    }

    /// The page for `records`, in any order.
    public static func render(records: [RunRecord], generatedAt: Date) -> String {
        render(records: records, generatedAt: generatedAt, skippedLines: 0)
    }

    /// `linkBase`: the path from the page's folder to the results folder, as segments (`..`, `results`).
    static func render(records: [RunRecord], generatedAt: Date, skippedLines: Int, linkBase: [String] = [], extras: ReportExtras = ReportExtras()) -> String {
        // By start time (ISO 8601 UTC in one format sorts as text), keeping file order for equal starts.
        let ordered = records.enumerated().sorted { a, b in
            a.element.start != b.element.start ? a.element.start < b.element.start : a.offset < b.offset
        }.map(\.element)
        return render(RunSummaries(records: ordered), generatedAt: generatedAt, skippedLines: skippedLines, linkBase: linkBase, extras: extras)
    }

    /// Every canary gets a card while there are at most this many; beyond, only failing ones do
    /// (at most `maximumCards`) and passing ones are a row of the overview.
    static let allCardsUpTo = 100
    static let maximumCards = 500

    /// The canaries that get a card, of `canaries` sorted by name.
    static func cards(_ canaries: [CanarySummary]) -> [CanarySummary] {
        canaries.count <= allCardsUpTo ? canaries : Array(canaries.lazy.filter(\.isFailing).prefix(maximumCards))
    }

    static func render(_ summaries: RunSummaries, generatedAt: Date, skippedLines: Int, linkBase: [String] = [], extras: ReportExtras = ReportExtras()) -> String {
        let canaries = summaries.canaries.values.sorted { $0.name < $1.name }
        // An inconclusive run (the runner lacked a resource) says nothing about the target.
        let failing = canaries.filter(\.isFailing)
        let generated = RunID.iso8601(generatedAt)
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Canary report</title>
            <style>\(stylesheet)</style>
            </head><body>
            <header><h1>Canary report</h1>
            <p class="totals"><span class="\(failing.count > 0 ? "bad" : "good")">\(canaries.count - failing.count) passing, \(failing.count) failing</span>
             · \(canaries.count) canaries · \(summaries.runCount) runs · generated \(escape(displayTime(generated)))</p>

            """
        if skippedLines > 0 {
            html += "<p class=\"warning\">\(skippedLines) line\(skippedLines == 1 ? "" : "s") of the run log could not be read and \(skippedLines == 1 ? "was" : "were") skipped.</p>\n"
        }
        html += "</header>\n<main>\n"
        if canaries.isEmpty {
            html += "<p class=\"empty\">No runs recorded yet.</p>\n"
        } else {
            let cards = cards(canaries)
            let carded = Set(cards.map(\.name))
            html += overview(failing + canaries.filter { !$0.isFailing }, carded: carded, now: generatedAt)
            html += incidentsBlock(extras.incidents, total: extras.incidentTotal ?? extras.incidents.count, now: generatedAt)
            if cards.count < canaries.count {
                html += "<p class=\"empty\">Cards for the \(cards.count) failing canar\(cards.count == 1 ? "y" : "ies")"
                    + (failing.count > cards.count ? " (of \(failing.count))" : "") + "; the others are rows of the table above.</p>\n"
            }
            for canary in cards { html += section(canary, now: generatedAt, linkBase: linkBase, diff: extras.diffs[canary.name], extras: extras) }
        }
        html += "</main>\n</body></html>\n"
        return html
    }

    /// Failing canaries first. A canary without a card gets its anchor on its row.
    private static func overview(_ canaries: [CanarySummary], carded: Set<String>, now: Date) -> String {
        var html = "<table class=\"overview\"><thead><tr><th>Canary</th><th>Status</th><th>Success</th><th>Uptime 24 h · 7 d · 30 d</th><th>Runs</th><th>Last run</th></tr></thead><tbody>\n"
        for canary in canaries {
            guard let last = canary.last else { continue }
            let state = last.passed ? "pass" : "fail"
            let id = carded.contains(canary.name) ? "" : " id=\"\(anchor(canary.name))\""
            html += "<tr class=\"\(state)\"\(id)><td><a href=\"#\(anchor(canary.name))\">\(escape(canary.name))</a></td>"
            html += "<td class=\"status\">\(statusBadge(last))</td>"
            html += "<td class=\"num\">\(percent(canary.successRate))</td><td class=\"num\">\(uptimeText(canary.uptime(now: now)))</td>"
            html += "<td class=\"num\">\(canary.runs)</td>"
            html += "<td>\(escape(displayTime(last.start)))\(age(of: last.start, now: now))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    private static func section(_ canary: CanarySummary, now: Date, linkBase: [String], diff: RunDiff?, extras: ReportExtras) -> String {
        guard let last = canary.last else { return "" }
        var html = "<section class=\"canary \(last.passed ? "pass" : "fail")\" id=\"\(anchor(canary.name))\">\n"
        html += "<h2>\(statusBadge(last)) \(escape(canary.name))</h2>\n<dl class=\"facts\">"
        html += fact("Status", last.degraded ? "last run degraded: passed, but missed a warn check" : last.flaky
            ? "last run flaky: passed on attempt \(last.attempt)" : last.passed ? "last run passed" : last.inconclusive
            ? "last run inconclusive: the runner lacked a resource of its own (\(last.error ?? "localResource"))" : "last run failed")
        html += fact("Success rate", "\(percent(canary.successRate)) (\(canary.passed) of \(canary.runs - canary.inconclusive))")
        html += fact("Uptime 24 h · 7 d · 30 d", uptimeText(canary.uptime(now: now)))
        html += fact("Runs", "\(canary.runs)" + (canary.inconclusive > 0 ? ", \(canary.inconclusive) inconclusive" : ""))
        html += fact("Last run", displayTime(last.start), extra: age(of: last.start, now: now))
        html += fact("Last duration", ConsoleReport.formatMilliseconds(last.durationMs))
        html += "</dl>\n"
        if let failed = canary.lastFailed?.record {
            let names = RunFileNames(failed, legacy: extras.legacyRuns.contains(failed.runId))
            html += failureBlock(failed, names: extras.runsWithoutFolder.contains(failed.runId) ? nil : names, now: now,
                                 linkBase: linkBase, traceURL: extras.traceURL)
            if let diff { html += diffBlock(diff) }
        } else {
            html += "<p class=\"nofailure\">No failures in the recorded runs.</p>\n"
        }
        html += LatencyChart(points: canary.chartPoints).svg()
        return html + "</section>\n"
    }

    /// `name` as one shell word: bare when it holds only letters, digits, `.`, `_` and `-`.
    static func shellWord(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
        return plain && !name.hasPrefix("-") ? name : ShellWord.quote([.text(name)])
    }

    /// The last failed run: which step, what went wrong, and links to its snapshot and run.json;
    /// `names` nil when the run has no folder, whose exchanges `canary show` prints instead.
    private static func failureBlock(_ run: RunRecord, names: RunFileNames?, now: Date, linkBase: [String], traceURL: String?) -> String {
        var html = "<div class=\"failure\"><h3>Last failure <span class=\"when\">\(escape(displayTime(run.start)))\(age(of: run.start, now: now))</span></h3>\n"
        let failedIndex = run.steps.firstIndex { $0.outcome == .failed }
        let message = run.firstFailure?.message ?? run.error ?? "failed"
        html += "<p class=\"message\">"
        if let index = failedIndex {
            html += "<span class=\"step\">step \(index + 1) · \(escape(run.steps[index].name))</span> "
        }
        html += "<code>\(escape(truncated(message)))</code></p>\n<p class=\"links\">"
        guard let names else {
            html += "no run folder kept: <code>canary show \(escape(shellWord(run.canary))) --run \(escape(run.runId))</code> prints it"
            return html + " <span class=\"runid\">\(escape(run.runId))</span>" + traceLink(run.traceId, template: traceURL) + "</p></div>\n"
        }
        // A step that never sent its request (an interpolation error) has no snapshot.
        if let index = failedIndex, run.steps[index].request != nil {
            let snapshot = names.step(index) + ".http"
            html += "<a href=\"\(relativePath([names.folder, run.runId, snapshot], from: linkBase))\">snapshot of step \(index + 1)</a> · "
            html += screenshotLinks(run, step: index, names: names, from: linkBase)
        }
        html += "<a href=\"\(relativePath([names.folder, run.runId, "run.json"], from: linkBase))\">run.json</a> <span class=\"runid\">\(escape(run.runId))</span>"
        return html + traceLink(run.traceId, template: traceURL) + "</p></div>\n"
    }

    /// The failed step's screenshot and visual diff, or why it has none. The names are rebuilt
    /// from the step, not taken from the record, so a link can only point into the run's folder.
    private static func screenshotLinks(_ run: RunRecord, step index: Int, names: RunFileNames, from linkBase: [String]) -> String {
        guard let shot = run.steps[index].screenshot else { return "" }
        let base = names.step(index)
        var html = ""
        if shot.file != nil { html += "<a href=\"\(relativePath([names.folder, run.runId, base + ".png"], from: linkBase))\">screenshot</a> · " }
        if shot.diffFile != nil { html += "<a href=\"\(relativePath([names.folder, run.runId, base + ".diff.png"], from: linkBase))\">visual diff</a> · " }
        if let problem = shot.error { html += "<span class=\"when\">no screenshot: \(escape(truncated(problem)))</span> · " }
        return html
    }

    private static func fact(_ term: String, _ value: String, extra: String = "") -> String {
        "<div><dt>\(term)</dt><dd>\(escape(value))\(extra)</dd></div>"
    }

    private static func statusBadge(_ run: RunBrief) -> String {
        if run.inconclusive { return "<span class=\"badge\" title=\"inconclusive: the runner lacked a resource\">?</span>" }
        if run.degraded { return "<span class=\"badge degraded\" title=\"degraded: passed, but missed a warn check\">⚠</span>" }
        return run.passed ? "<span class=\"badge pass\" title=\"passed\">✓</span>" : "<span class=\"badge fail\" title=\"failed\">✗</span>"
    }

    static func truncated(_ text: String) -> String {
        text.count > messageLimit ? String(text.prefix(messageLimit)) + "… (\(text.count) characters; see the snapshot)" : text
    }
}
