import Foundation

/// What one step did, in a few plain lines, from its (redacted) record: the request, the answer,
/// the failed attempts before it. JUnit's `<system-out>`, TAP's diagnostics and the JSON summary
/// read the same lines, so every report tells the same story.
public enum StepSummary {
    /// `GET https://example.com/login`, then `HTTP/1.1 503, 1234 bytes in 212ms` (with redirects
    /// and the final URL when there were some), then one line per earlier failed attempt of it.
    public static func lines(_ step: StepRecord, in record: RunRecord) -> [String] {
        var lines: [String] = []
        if let request = step.request { lines.append("\(request.method) \(request.url)") }
        if let response = step.response, step.statusCode > 0 {
            var answer = "\(response.httpVersion) \(step.statusCode), \(response.size) bytes in "
                + ConsoleReport.formatMilliseconds(step.timings.total)
            if response.redirects > 0 {
                answer += " after \(response.redirects) redirect\(response.redirects == 1 ? "" : "s") to \(response.effectiveURL)"
            }
            lines.append(answer)
        } else if step.outcome == .failed, let error = step.error {
            lines.append("no answer: \(error)")
        }
        if step.outcome == .skipped { lines.append("skipped: \(skipReason(step, in: record))") }
        for earlier in earlierFailures(of: step.name, in: record) {
            lines.append("attempt \(earlier.attempt) of \(record.attempt) failed: \(earlier.message)")
        }
        return lines.map { ConsoleReport.sanitize($0) }
    }

    /// Why a step did not run: the run was stopped, a step before it failed, or the run's error.
    public static func skipReason(_ step: StepRecord, in record: RunRecord) -> String {
        if record.cancelled == true { return "the run was cancelled before this step" }
        let before = record.steps.prefix { $0.name != step.name }
        if let failed = before.last(where: { $0.outcome == .failed }) { return "step '\(failed.name)' failed before it" }
        return record.error ?? "not run"
    }

    /// The earlier attempts of the run in which this step failed, with the failure's first line
    /// and its kind (`assertion` or the transfer error's kind).
    public static func earlierFailures(of stepName: String, in record: RunRecord) -> [(attempt: Int, message: String, kind: String, text: String)] {
        (record.attempts ?? []).filter { $0.attempt < record.attempt }.compactMap { attempt in
            guard let step = attempt.steps.first(where: { $0.name == stepName }), step.outcome == .failed else { return nil }
            if let error = step.error { return (attempt.attempt, error, step.errorKind ?? "error", error) }
            let message = step.failures.first?.message ?? "failed"
            return (attempt.attempt, message, "assertion", failureText(step.failures))
        }
    }

    /// Every failed assertion with expected and actual, one block each.
    static func failureText(_ failures: [AssertionFailure]) -> String {
        failures.map { "\($0.message)\n  expected: \($0.expected)\n  actual:   \($0.actual)" }.joined(separator: "\n")
    }
}
