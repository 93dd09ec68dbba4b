import Foundation

/// A `canary run` batch as the CI reports see it: its runs (redacted) in canary-name order and
/// its counts. TAP, the JSON summary and GitHub's annotations and job summary all render this.
public struct BatchSummary: Sendable {
    public var runs: [RunRecord]
    /// Canaries selected but never started (SIGTERM, `--fail-fast`).
    public var notStarted: Int
    public var wallTimeMs: Double

    public init(runs: [RunRecord], notStarted: Int, wallTimeMs: Double) {
        self.runs = JUnitReport.inNameOrder(runs)
        self.notStarted = notStarted
        self.wallTimeMs = wallTimeMs
    }

    public var passed: Int { runs.count { $0.passed } }
    public var cancelled: Int { runs.count { $0.cancelled == true } }
    public var inconclusive: Int { runs.count { !$0.passed && $0.isInconclusive && $0.cancelled != true } }
    public var failed: Int { runs.count { !$0.passed && !$0.isInconclusive && $0.cancelled != true } }

    /// The JSON summary (`--report-format json`, like k6's `--summary-export`): the counts, then
    /// every run as it is recorded in runs.jsonl.
    public func json() throws -> String {
        let document = Document(
            passed: passed, failed: failed, inconclusive: inconclusive, cancelled: cancelled, notStarted: notStarted,
            wallTimeMs: wallTimeMs, runs: runs)
        return String(decoding: try RecordJSON.bytes(document, pretty: true), as: UTF8.self) + "\n"
    }

    private struct Document: Encodable {
        var passed, failed, inconclusive, cancelled, notStarted: Int
        var wallTimeMs: Double
        var runs: [RunRecord]
    }

    /// TAP version 13 (as Hurl's `--report-tap`): one test point per canary, a YAML block of what
    /// failed and what each step did; inconclusive and cancelled runs are `# SKIP` with the reason.
    public func tap() -> String {
        var out = "TAP version 13\n1..\(runs.count)\n"
        for (index, run) in runs.enumerated() {
            let name = ConsoleReport.sanitize(run.canary)
            if run.passed {
                out += "ok \(index + 1) - \(name)\n"
            } else if run.cancelled == true || run.isInconclusive {
                let reason = ConsoleReport.sanitize(run.error ?? "not concluded")
                out += "ok \(index + 1) - \(name) # SKIP \(run.cancelled == true ? "" : "inconclusive: ")\(reason)\n"
            } else {
                out += "not ok \(index + 1) - \(name)\n"
            }
            out += diagnostics(run)
        }
        return out
    }

    /// The YAML block under a test point: strings written as JSON strings (valid YAML, and no
    /// byte a server sent can end the block or drive a terminal).
    private func diagnostics(_ run: RunRecord) -> String {
        var lines = ["  ---", "  file: \(quoted(run.file))", "  durationMs: \(Int(run.durationMs.rounded()))"]
        if !run.passed, let failure = run.firstFailure {
            lines.append("  message: \(quoted(failure.step.isEmpty ? failure.message : "\(failure.step) › \(failure.message)"))")
        }
        lines.append("  steps:")
        for step in run.steps {
            lines.append("    - name: \(quoted(step.name))")
            lines.append("      outcome: \(step.outcome.rawValue)")
            let said = StepSummary.lines(step, in: run)
            if !said.isEmpty { lines.append("      lines:") }
            for line in said { lines.append("        - \(quoted(line))") }
        }
        lines.append("  ...")
        return lines.joined(separator: "\n") + "\n"
    }

    func quoted(_ text: String) -> String {
        JSON5.serialize(.string(text))
    }
}
