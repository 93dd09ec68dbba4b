import CanaryKit
import Foundation

/// `--report-format github|tap|json[:PATH]`: the CI reports of `canary run`, written once the
/// batch is over from its redacted runs, in canary-name order.
enum RunReports {
    /// Checks each report's path before anything runs; one on stdout sends the console lines to stderr.
    static func prepare(_ reports: [(format: ReportFormat, path: String)]) throws {
        for report in reports where report.format != .github {
            try OutputFile.prepare(report.path, flag: "--report-format \(report.format.rawValue):")
            if report.path == "-" { Console.linesToStandardError = true }
        }
    }

    static func write(_ reports: [(format: ReportFormat, path: String)], batch: BatchSummary, canaries: [Canary]) throws {
        for report in reports {
            switch report.format {
            case .tap: try OutputFile.write(batch.tap(), to: report.path)
            case .json: try OutputFile.write(try batch.json(), to: report.path)
            case .github: github(batch, canaries: canaries)
            }
        }
    }

    /// Annotations on stdout (where the runner reads workflow commands); the Markdown summary
    /// appended to $GITHUB_STEP_SUMMARY when the job has one.
    private static func github(_ batch: BatchSummary, canaries: [Canary]) {
        let report = GitHubReport(canaries: canaries)
        for line in report.annotations(batch) { Console.output(line) }
        guard let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        do throws(RecordingError) {
            try OutputFile.append(report.markdown(batch), to: path)
        } catch {
            Console.error("warning: the job summary was not written to $GITHUB_STEP_SUMMARY: \(error); the annotations were")
        }
    }
}

extension RunOptions {
    /// The canary with `--retry` and `--timeout` in place of its own.
    func overriding(_ canary: Canary) -> Canary {
        var canary = canary
        if let retries { canary.retries = retries }
        if let timeout { canary.timeout = timeout }
        return canary
    }
}
