import Foundation
import CurlEngine

/// Renders runs as JUnit XML for CI dashboards: one `<testsuite>` per run record (per canary),
/// one `<testcase>` per step. Failed assertions are `<failure type="assertion">`, transfer,
/// interpolation and capture errors are `<error type="<errorKind>">`, skipped steps `<skipped/>`.
///
/// A failed run in which no step failed (a whole-run error before any step) gets one extra
/// testcase named `(run)` carrying the error, so the suite never reads green when the run was red.
/// Times are seconds with millisecond precision; the suites' total time is the sum of the runs'.
public enum JUnitReport {
    /// The whole XML document. `invalidFiles` (file, problem) become one suite of their own, a
    /// testcase with an `<error>` per file, as pytest reports collection errors: a run that exits
    /// 2 over an invalid canary file never reads green.
    public static func render(_ records: [RunRecord], invalidFiles: [(file: String, message: String)] = []) -> String {
        let suites = records.map(Suite.init)
        let tests = suites.sum(\.tests) + invalidFiles.count
        let errors = suites.sum(\.errors) + invalidFiles.count
        let totals = "tests=\"\(tests)\" failures=\"\(suites.sum(\.failures))\" "
            + "errors=\"\(errors)\" time=\"\(seconds(records.reduce(0) { $0 + $1.durationMs }))\""
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"canary\" \(totals)>\n"
        for suite in suites { out += suite.xml }
        if !invalidFiles.isEmpty { out += invalidSuite(invalidFiles) }
        out += "</testsuites>\n"
        return out
    }

    private static func invalidSuite(_ files: [(file: String, message: String)]) -> String {
        let name = "invalid canary files"
        var out = "  <testsuite name=\"\(name)\" tests=\"\(files.count)\" failures=\"0\" errors=\"\(files.count)\" skipped=\"0\" time=\"0.000\">\n"
        for (file, message) in files {
            out += "    <testcase classname=\"\(name)\" name=\"\(XMLText.attribute(file))\" time=\"0.000\">\n"
            out += "      <error message=\"\(XMLText.attribute(message))\" type=\"invalid\">\(XMLText.content(message))</error>\n"
            out += "    </testcase>\n"
        }
        return out + "  </testsuite>\n"
    }

    /// Writes the document atomically to `path`, so a CI job never picks up half a file;
    /// `-` is stdout.
    public static func write(_ records: [RunRecord], invalidFiles: [(file: String, message: String)] = [], to path: String) throws {
        let bytes = Array(render(records, invalidFiles: invalidFiles).utf8)
        guard path == "-" else { return try FileIO.writeAtomically(bytes, to: path) }
        try FileIO.writeAll(STDOUT_FILENO, bytes, path: "stdout")
    }

    static func seconds(_ milliseconds: Double) -> String {
        String(format: "%.3f", max(0, milliseconds) / 1000)
    }

    /// The JUnit schema's timestamp is an ISO 8601 date-time without fraction or zone; ours are
    /// UTC, so `2026-11-22T14:28:41.123Z` becomes `2026-11-22T14:28:41`.
    static func timestamp(_ iso8601: String) -> String {
        String(iso8601.prefix(19))
    }
}

/// One `<testsuite>`: the counts first, then its testcases.
private struct Suite {
    var tests = 0, failures = 0, errors = 0, skipped = 0
    var xml = ""

    init(_ record: RunRecord) {
        var cases = ""
        for step in record.steps {
            cases += testcase(record.canary, step)
        }
        if !record.passed, !record.steps.contains(where: { $0.outcome == .failed }) {
            tests += 1
            errors += 1
            let message = record.error ?? "the run failed"
            cases += "    <testcase classname=\"\(XMLText.attribute(record.canary))\" name=\"(run)\" time=\"\(JUnitReport.seconds(record.durationMs))\">\n"
            cases += "      <error message=\"\(XMLText.attribute(message))\" type=\"run\">\(XMLText.content(message))</error>\n"
            cases += "    </testcase>\n"
        }
        let name = XMLText.attribute(record.canary)
        xml = "  <testsuite name=\"\(name)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" "
            + "skipped=\"\(skipped)\" time=\"\(JUnitReport.seconds(record.durationMs))\" "
            + "timestamp=\"\(XMLText.attribute(JUnitReport.timestamp(record.start)))\">\n"
        xml += properties(record)
        xml += cases
        xml += "  </testsuite>\n"
    }

    private func properties(_ record: RunRecord) -> String {
        var pairs = [("runId", record.runId), ("attempt", String(record.attempt)), ("file", record.file)]
        pairs += record.tags.keys.sorted().map { ("tag.\($0)", record.tags[$0] ?? "") }
        var out = "    <properties>\n"
        for (name, value) in pairs {
            out += "      <property name=\"\(XMLText.attribute(name))\" value=\"\(XMLText.attribute(value))\"/>\n"
        }
        return out + "    </properties>\n"
    }

    private mutating func testcase(_ canary: String, _ step: StepRecord) -> String {
        tests += 1
        let open = "    <testcase classname=\"\(XMLText.attribute(canary))\" name=\"\(XMLText.attribute(step.name))\" "
            + "time=\"\(JUnitReport.seconds(step.outcome == .skipped ? 0 : step.timings.total))\""
        switch step.outcome {
        case .passed where step.warnings != nil:
            // Degraded: the test passes; the missed warn checks are a property CI can show.
            let missed = (step.warnings ?? []).map(\.message).joined(separator: "; ")
            return open + ">\n      <properties>\n        <property name=\"degraded\" value=\"\(XMLText.attribute(missed))\"/>\n      </properties>\n    </testcase>\n"
        case .passed:
            return open + "/>\n"
        case .skipped:
            skipped += 1
            return open + ">\n      <skipped/>\n    </testcase>\n"
        case .failed where step.errorKind == TransferError.Kind.localResource.rawValue:
            // Inconclusive: the runner lacked a resource of its own; CI must not go red for it.
            skipped += 1
            let message = "inconclusive: " + (step.error ?? "the runner lacked a local resource")
            return open + ">\n      <skipped message=\"\(XMLText.attribute(message))\"/>\n    </testcase>\n"
        case .failed:
            return open + ">\n      \(problem(step))\n    </testcase>\n"
        }
    }

    /// JUnit allows one failure or error per testcase: the first assertion names it, all of them
    /// are listed in the text with expected and actual.
    private mutating func problem(_ step: StepRecord) -> String {
        if let error = step.error {
            errors += 1
            let type = step.errorKind ?? "error"
            return "<error message=\"\(XMLText.attribute(error))\" type=\"\(XMLText.attribute(type))\">\(XMLText.content(error))</error>"
        }
        failures += 1
        guard let first = step.failures.first else {
            return "<failure message=\"the step failed\" type=\"assertion\"/>"
        }
        let more = step.failures.count > 1 ? " (and \(step.failures.count - 1) more)" : ""
        let text = step.failures.map { "\($0.message)\n  expected: \($0.expected)\n  actual:   \($0.actual)" }
            .joined(separator: "\n")
        return "<failure message=\"\(XMLText.attribute(first.message + more))\" type=\"assertion\">\(XMLText.content(text))</failure>"
    }
}

extension Array {
    fileprivate func sum(_ count: (Element) -> Int) -> Int {
        reduce(0) { $0 + count($1) }
    }
}
