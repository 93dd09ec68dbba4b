import CanaryKit

/// `canary report [--results DIR] [-o FILE.html]`: one self-contained HTML page from the results folder.
struct ReportCommand {
    let options: RunOptions

    func execute() throws -> Int32 {
        try OutputFile.prepare(options.reportOutput, flag: "-o")
        let summary = try HTMLReport.build(resultsDirectory: options.results, output: options.reportOutput, traceURL: options.traceURL)
        Console.line("wrote \(options.reportOutput): \(summary.canaries) canaries, \(summary.runs) runs"
            + (summary.skippedLines > 0 ? " (\(summary.skippedLines) unreadable lines of the run log skipped)" : ""))
        return 0
    }
}
