import Foundation

/// What the report shows beside the run records: each failing canary's diff against its last
/// pass, and the incident timeline from the alarm events.
struct ReportExtras: Sendable {
    /// By canary name: its latest failed run against the last passed run before it.
    var diffs: [String: RunDiff] = [:]
    /// Newest first.
    var incidents: [Incident] = []
}

extension HTMLReport {
    /// Diffs are loaded for this many failing canaries at most (two runs' exchanges each);
    /// `canary diff NAME` shows any of the others.
    static let maximumDiffs = 200
    /// Incidents listed on the page, newest first.
    static let maximumIncidents = 100

    /// Reads the exchanges of each failing canary's two runs and the alarm events. A run whose
    /// exchanges can't be read just has no diff: the report never fails for want of one.
    static func extras(_ canaries: [CanaryRuns], reader: ResultsReader) -> ReportExtras {
        var extras = ReportExtras()
        let failing = canaries.filter { canary in canary.runs.last { !$0.isInconclusive }.map { !$0.passed } ?? false }
        for canary in failing.prefix(maximumDiffs) {
            // The records are in memory: only the two runs' exchanges are read.
            guard let pair = RunSelection.defaultPair(canary.runs.map(RunOutcome.init)),
                  let before = try? ShownRun.load(canary.runs[pair.before], attempt: nil, from: reader),
                  let after = try? ShownRun.load(canary.runs[pair.after], attempt: nil, from: reader)
            else { continue }
            extras.diffs[canary.name] = RunDiff(from: before, to: after)
        }
        extras.incidents = Incident.timeline(events(in: reader.directory))
        return extras
    }

    /// `events.jsonl`'s alarm events; lines that don't decode are skipped.
    private static func events(in directory: String) -> [AlarmEvent] {
        guard let data = FileManager.default.contents(atPath: directory + "/events.jsonl") else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(AlarmEvent.self, from: Data($0)) }
    }

    /// The incident timeline: newest first, ongoing ones marked.
    static func incidentsBlock(_ incidents: [Incident], now: Date) -> String {
        guard !incidents.isEmpty else { return "" }
        var html = "<section class=\"incidents\"><h2>Incidents</h2>\n<table class=\"overview\"><thead><tr><th>Canary</th><th>Started</th>"
        html += "<th>Ended</th><th>Lasted</th><th>Why</th></tr></thead><tbody>\n"
        for incident in incidents.prefix(maximumIncidents) {
            let lasted = incident.duration(now: now).map { ConsoleReport.formatMilliseconds($0 * 1000) } ?? "?"
            html += "<tr class=\"\(incident.end == nil ? "fail" : "pass")\"><td><a href=\"#\(anchor(incident.canary))\">\(escape(incident.canary))</a></td>"
            html += "<td>\(escape(displayTime(incident.start)))</td><td>\(incident.end.map { escape(displayTime($0)) } ?? "ongoing")</td>"
            html += "<td class=\"num\">\(lasted)</td><td>\(escape(truncated(incident.failure ?? incident.reason)))</td></tr>\n"
        }
        if incidents.count > maximumIncidents { html += "<tr><td colspan=\"5\">… \(incidents.count - maximumIncidents) older incidents</td></tr>\n" }
        return html + "</tbody></table></section>\n"
    }

    /// `99.5% · 98.1% · 97.0%` for 24 h, 7 d and 30 d; `–` for a window without runs.
    static func uptimeText(_ uptime: Uptime) -> String {
        uptime.values.map { $0.map(percent) ?? "–" }.joined(separator: " · ")
    }
}
