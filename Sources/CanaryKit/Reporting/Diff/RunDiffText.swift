/// `canary diff` as terminal text. Every value is masked by the redactor and escaped: bodies
/// and headers are server bytes.
public enum RunDiffText {
    public static func render(_ diff: RunDiff, redactor: Redactor) -> String {
        let show = { (text: String) in PrintableText.escaping(redactor.redact(text)) }
        var out = "\(show(diff.canary)): \(show(diff.runs.before)) (\(diff.outcome.before)) → \(show(diff.runs.after)) (\(diff.outcome.after))\n"
        if !diff.withoutExchanges.isEmpty {
            out += "(the exchanges of \(diff.withoutExchanges.map(show).joined(separator: " and ")) are no longer kept: headers and bodies are not compared)\n"
        }
        for step in diff.steps {
            out += "\n" + lines(step, show: show, redactor: redactor).joined(separator: "\n") + "\n"
        }
        return out
    }

    /// The step's lines, the first naming it; the rest indented.
    static func lines(_ step: RunDiff.StepChange, show: (String) -> String, redactor: Redactor) -> [String] {
        let title = "step \(step.index) \(show(step.name))"
        if let run = step.onlyIn { return ["\(title): only in \(show(run))"] }
        var lines = [title + ": " + (step.outcome.map { "\($0.before) → \($0.after)" } ?? "no change in outcome")]
        if let failure = step.failure {
            lines.append("  failure: \(failure.before.map(show) ?? "(none)") → \(failure.after.map(show) ?? "(none)")")
        }
        if let status = step.status { lines.append("  status: \(status.before) → \(status.after)") }
        if !step.headers.isEmpty {
            lines.append("  headers:")
            for change in step.headers {
                switch change {
                case .added(let name, let value): lines.append("    + \(show(name)): \(header(name, value, show, redactor))")
                case .removed(let name, let value): lines.append("    - \(show(name)): \(header(name, value, show, redactor))")
                case .changed(let name, let before, let after):
                    lines.append("    ~ \(show(name)): \(header(name, before, show, redactor)) → \(header(name, after, show, redactor))")
                }
            }
        }
        switch step.body {
        case .json(let changes, let more)?:
            lines.append("  body (JSON, path by path):")
            for change in changes {
                lines.append("    \(show(change.path)): \(change.before.map(show) ?? "(absent)") → \(change.after.map(show) ?? "(absent)")")
            }
            if more > 0 { lines.append("    … \(more) more paths differ") }
        case .text(let diffLines, let more)?:
            lines.append("  body:")
            lines += diffLines.map { "    " + show($0) }
            if more > 0 { lines.append("    … \(more) more lines of diff") }
        case .size(let size)?:
            lines.append("  body: \(size.before) → \(size.after) bytes (binary, not compared line by line)")
        case nil:
            break
        }
        if let certificate = step.certificate {
            lines.append("  certificate notAfter: \(certificate.before.map(show) ?? "(none)") → \(certificate.after.map(show) ?? "(none)")")
        }
        for field in step.certificateFields {
            lines.append("  certificate \(field.field): \(field.before.map(show) ?? "(none)") → \(field.after.map(show) ?? "(none)")")
        }
        if !step.timings.isEmpty {
            lines.append("  timings (ms)   " + pad("before") + pad("after"))
            for timing in step.timings {
                lines.append("    " + timing.phase.padding(toLength: 11, withPad: " ", startingAt: 0) + pad(number(timing.before)) + pad(number(timing.after)))
            }
        }
        return lines
    }

    private static func header(_ name: String, _ value: String, _ show: (String) -> String, _ redactor: Redactor) -> String {
        PrintableText.escaping(redactor.redactHeader(name: name, value: value))
    }

    private static func pad(_ text: String) -> String {
        String(repeating: " ", count: max(1, 10 - text.count)) + text
    }

    static func number(_ milliseconds: Double) -> String {
        let rounded = (milliseconds * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : "\(rounded)"
    }
}
