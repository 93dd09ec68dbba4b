import Foundation

/// What the report shows beside the run records: each failing canary's diff against its last
/// pass, and the incident timeline from the alarm events.
struct ReportExtras: Sendable {
    /// By canary name: its latest failed run against the last passed run before it.
    var diffs: [String: RunDiff] = [:]
    /// Newest first: the newest `maximumIncidents` at least.
    var incidents: [Incident] = []
    /// How many incidents there were in all; nil: `incidents` holds them all.
    var incidentTotal: Int?
    /// `--trace-url`: where a trace id links to, `{traceId}` replaced.
    var traceURL: String?
    /// The linked failed runs an earlier version recorded, by run id: their folder and files
    /// are named by the names themselves, not their slugs (`ResultsLayout.isLegacyRun`).
    var legacyRuns: Set<String> = []
    /// The linked failed runs without a folder (`--artifacts none`, or pruned): the card names
    /// `canary show` instead of linking into nothing.
    var runsWithoutFolder: Set<String> = []
}

extension HTMLReport {
    /// ` · trace <id>`, a link when `template` (`--trace-url`, with `{traceId}`) is given; nothing
    /// for runs recorded before tracing. Only http(s) templates link: the page must not run script.
    static func traceLink(_ traceId: String?, template: String?) -> String {
        guard let traceId, traceId.allSatisfy(\.isHexDigit) else { return "" }
        let text = "trace <span class=\"traceid\">\(traceId)</span>"
        guard let template, let scheme = URLComponents(string: template)?.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return " · " + text
        }
        return " · <a href=\"\(escape(template.replacingOccurrences(of: "{traceId}", with: traceId)))\">\(text)</a>"
    }

    /// Diffs are loaded for this many failing canaries at most (two runs' exchanges each);
    /// `canary diff NAME` shows any of the others.
    static let maximumDiffs = 200
    /// Incidents listed on the page, newest first.
    static let maximumIncidents = 100

    /// Reads the exchanges of each failing canary's two runs (the latest failed run and the last
    /// passed one before it, kept whole in its summary). A run whose exchanges can't be read just
    /// has no diff: the report never fails for want of one.
    static func extras(_ summaries: RunSummaries, reader: ResultsReader) -> ReportExtras {
        var extras = ReportExtras()
        // Only cards link to a run folder: decoding every canary's last failure was most of a
        // report over 10,000 canaries (bench/report-scale.sh).
        let carded = cards(summaries.canaries.values.sorted { $0.name < $1.name })
        for run in carded.compactMap(\.lastFailed?.record) {
            let folder = ResultsLayout.storedRunFolder(canary: run.canary, runId: run.runId, directory: reader.directory)
            if !FileManager.default.fileExists(atPath: reader.directory + "/" + folder) {
                extras.runsWithoutFolder.insert(run.runId)
            } else if ResultsLayout.isLegacyRun(run, directory: reader.directory) {
                extras.legacyRuns.insert(run.runId)
            }
        }
        let failing = summaries.canaries.values.filter(\.isFailing).sorted { $0.name < $1.name }
        for canary in failing.prefix(maximumDiffs) {
            guard let before = canary.diffBefore?.record(in: reader.directory, canary: canary.name),
                  let after = canary.diffAfter?.record(in: reader.directory, canary: canary.name),
                  let shownBefore = try? ShownRun.load(before, attempt: nil, from: reader),
                  let shownAfter = try? ShownRun.load(after, attempt: nil, from: reader)
            else { continue }
            extras.diffs[canary.name] = RunDiff(from: shownBefore, to: shownAfter)
        }
        return extras
    }

    /// The incident timeline: newest first, ongoing ones marked.
    static func incidentsBlock(_ incidents: [Incident], total: Int, now: Date) -> String {
        guard !incidents.isEmpty else { return "" }
        var html = "<section class=\"incidents\"><h2>Incidents</h2>\n<table class=\"overview\"><thead><tr><th>Canary</th><th>Started</th>"
        html += "<th>Ended</th><th>Lasted</th><th>Why</th></tr></thead><tbody>\n"
        for incident in incidents.prefix(maximumIncidents) {
            let lasted = incident.duration(now: now).map { ConsoleReport.formatMilliseconds($0 * 1000) } ?? "?"
            html += "<tr class=\"\(incident.end == nil ? "fail" : "pass")\"><td><a href=\"#\(anchor(incident.canary))\">\(escape(incident.canary))</a></td>"
            html += "<td>\(escape(displayTime(incident.start)))</td><td>\(incident.end.map { escape(displayTime($0)) } ?? "ongoing")</td>"
            html += "<td class=\"num\">\(lasted)</td><td>\(escape(truncated(incident.failure ?? incident.reason)))</td></tr>\n"
        }
        if total > maximumIncidents { html += "<tr><td colspan=\"5\">… \(total - maximumIncidents) older incidents</td></tr>\n" }
        return html + "</tbody></table></section>\n"
    }

    /// `99.5% · 98.1% · 97.0%` for 24 h, 7 d and 30 d; `–` for a window without runs.
    static func uptimeText(_ uptime: Uptime) -> String {
        uptime.values.map { $0.map(percent) ?? "–" }.joined(separator: " · ")
    }
}
