import Foundation

/// GitHub Actions output (`--report-format github`): an `::error` workflow command per failed
/// canary pointing at the canary file and the line of the failing assertion (else of the step,
/// else the file), a `::warning` per inconclusive one, and a job summary in Markdown for
/// `$GITHUB_STEP_SUMMARY`. Reads the redacted runs of a `BatchSummary`.
public struct GitHubReport: Sendable {
    /// Where each assertion and step was written: (canary, step, assertion label) and
    /// (canary, step, "") → its place in the file.
    private var places: [String: SourceLocation] = [:]

    public init(canaries: [Canary]) {
        for canary in canaries {
            for step in canary.steps {
                if let location = step.location { places[Self.key(canary.name, step.name, "")] = location }
                for assertion in step.assertions {
                    guard let location = assertion.location else { continue }
                    let key = Self.key(canary.name, step.name, assertion.query.label)
                    if places[key] == nil { places[key] = location }
                }
            }
        }
    }

    private static func key(_ canary: String, _ step: String, _ assertion: String) -> String {
        "\(canary)\u{0}\(step)\u{0}\(assertion)"
    }

    /// The workflow commands, one line each.
    public func annotations(_ batch: BatchSummary) -> [String] {
        batch.runs.compactMap { run in
            guard !run.passed, run.cancelled != true else { return nil }
            let step = run.steps.first { $0.outcome == .failed }
            let place = step.flatMap { step in
                places[Self.key(run.canary, step.name, step.failures.first?.assertion ?? "")] ?? places[Self.key(run.canary, step.name, "")]
            }
            var properties = ["file=" + Self.property(place?.file ?? run.file)]
            if let place { properties += ["line=\(place.line)", "col=\(place.column)"] }
            let title = "canary " + run.canary + (step.map { " › " + $0.name } ?? "")
            properties.append("title=" + Self.property(title))
            let failure = run.firstFailure?.message ?? run.error ?? "failed"
            let message = (run.isInconclusive ? "inconclusive: " : "") + failure
            return "::\(run.isInconclusive ? "warning" : "error") \(properties.joined(separator: ","))::\(Self.data(message))"
        }
    }

    /// The job summary: the counts, then a table of every canary in name order.
    public func markdown(_ batch: BatchSummary) -> String {
        var out = "### canary: \(batch.passed) passed, \(batch.failed) failed"
        if batch.inconclusive > 0 { out += ", \(batch.inconclusive) inconclusive" }
        if batch.cancelled + batch.notStarted > 0 { out += ", \(batch.cancelled) cancelled, \(batch.notStarted) not started" }
        out += " in \(ConsoleReport.formatMilliseconds(batch.wallTimeMs))\n\n| | Canary | Time | Failure |\n|---|---|---|---|\n"
        for run in batch.runs {
            let mark = run.passed ? "✅" : run.cancelled == true || run.isInconclusive ? "⚪" : "❌"
            let failure = run.passed ? "" : run.firstFailure.map { $0.step.isEmpty ? $0.message : "\($0.step) › \($0.message)" } ?? ""
            out += "| \(mark) | \(Self.markdownText(run.canary)) | \(ConsoleReport.formatMilliseconds(run.durationMs)) | \(Self.markdownText(failure)) |\n"
        }
        return out
    }

    /// A workflow command's message: `%`, CR and LF escaped as GitHub's toolkit does.
    static func data(_ text: String) -> String {
        ConsoleReport.sanitize(text.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A"))
    }

    /// A property value: as `data`, and `:` and `,` too (they end a property).
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// Text in a Markdown table cell: no markup, links or HTML from what a server sent.
    static func markdownText(_ text: String) -> String {
        var out = ""
        for character in ConsoleReport.sanitize(text) {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "|", "#", "!", "~": out += "\\\(character)"
            default: out.append(character)
            }
        }
        return out
    }
}
