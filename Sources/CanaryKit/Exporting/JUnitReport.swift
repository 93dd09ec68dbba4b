import Foundation
import CurlEngine

/// Renders runs as JUnit XML for CI dashboards: one `<testsuite>` per run record (per canary),
/// one `<testcase>` per step. Failed assertions are `<failure type="assertion">`, transfer,
/// interpolation and capture errors are `<error type="<errorKind>">`, skipped steps `<skipped/>`.
///
/// A failed run in which no step failed (a whole-run error before any step) gets one extra
/// testcase named `(run)` carrying the error, so the suite never reads green when the run was red.
/// Each testcase's `<system-out>` tells what the step did (`StepSummary`); a step that failed on an
/// earlier attempt of a retried run keeps that failure as `<flakyFailure>` (it passed in the end)
/// or `<rerunFailure>` (Surefire's elements). Suites come in canary-name order, whatever order the
/// runs finished in, so two reports diff cleanly. Times are seconds with millisecond precision;
/// the suites' total time is the run's wall time when given (the sum of the runs' otherwise).
public enum JUnitReport {
    /// The whole XML document. `invalidFiles` (file, problem) become one suite of their own, a
    /// testcase with an `<error>` per file, as pytest reports collection errors: a run that exits
    /// 2 over an invalid canary file never reads green.
    public static func render(_ records: [RunRecord], invalidFiles: [(file: String, message: String)] = [], wallTimeMs: Double? = nil) -> String {
        let suites = inNameOrder(records).map(Suite.init)
        let tests = suites.sum(\.tests) + invalidFiles.count
        let errors = suites.sum(\.errors) + invalidFiles.count
        let totals = "tests=\"\(tests)\" failures=\"\(suites.sum(\.failures))\" "
            + "errors=\"\(errors)\" time=\"\(seconds(wallTimeMs ?? records.reduce(0) { $0 + $1.durationMs }))\""
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
    public static func write(
        _ records: [RunRecord], invalidFiles: [(file: String, message: String)] = [], wallTimeMs: Double? = nil, to path: String
    ) throws {
        try OutputFile.write(render(records, invalidFiles: invalidFiles, wallTimeMs: wallTimeMs), to: path)
    }

    /// By canary name, then start time: the order of every report, whatever order runs finished in.
    public static func inNameOrder(_ records: [RunRecord]) -> [RunRecord] {
        records.sorted { ($0.canary, $0.start) < ($1.canary, $1.start) }
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
            cases += testcase(record, step)
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
        if let traceId = record.traceId { pairs.append(("traceId", traceId)) }
        if let spanId = record.spanId { pairs.append(("spanId", spanId)) }
        pairs += record.tags.keys.sorted().map { ("tag.\($0)", record.tags[$0] ?? "") }
        var out = "    <properties>\n"
        for (name, value) in pairs {
            out += "      <property name=\"\(XMLText.attribute(name))\" value=\"\(XMLText.attribute(value))\"/>\n"
        }
        return out + "    </properties>\n"
    }

    private mutating func testcase(_ record: RunRecord, _ step: StepRecord) -> String {
        tests += 1
        let open = "    <testcase classname=\"\(XMLText.attribute(record.canary))\" name=\"\(XMLText.attribute(step.name))\" "
            + "time=\"\(JUnitReport.seconds(step.outcome == .skipped ? 0 : step.timings.total))\""
        var inner: [String] = []
        switch step.outcome {
        case .passed where step.warnings != nil:
            // Degraded: the test passes; the missed warn checks are a property CI can show.
            let missed = (step.warnings ?? []).map(\.message).joined(separator: "; ")
            return open + ">\n      <properties>\n        <property name=\"degraded\" value=\"\(XMLText.attribute(missed))\"/>\n      </properties>\n    </testcase>\n"
        case .passed:
            break
        case .skipped:
            skipped += 1
            inner.append("<skipped message=\"\(XMLText.attribute(StepSummary.skipReason(step, in: record)))\"/>")
        case .failed where step.errorKind == TransferError.Kind.localResource.rawValue:
            // Inconclusive: the runner lacked a resource of its own; CI must not go red for it.
            skipped += 1
            let message = "inconclusive: " + (step.error ?? "the runner lacked a local resource")
            inner.append("<skipped message=\"\(XMLText.attribute(message))\"/>")
        case .failed:
            inner.append(problem(step))
        }
        // Surefire's reruns: flaky when the step passed in the end, rerun when it failed again.
        let prefix = step.outcome == .passed ? "flaky" : "rerun"
        for earlier in StepSummary.earlierFailures(of: step.name, in: record) where step.outcome != .skipped {
            let element = prefix + (earlier.kind == "assertion" ? "Failure" : "Error")
            inner.append("<\(element) message=\"\(XMLText.attribute("attempt \(earlier.attempt): " + earlier.message))\" "
                + "type=\"\(XMLText.attribute(earlier.kind))\">\(XMLText.content(earlier.text))</\(element)>")
        }
        let out = StepSummary.lines(step, in: record)
        if !out.isEmpty { inner.append("<system-out>\(XMLText.content(out.joined(separator: "\n")))</system-out>") }
        guard !inner.isEmpty else { return open + "/>\n" }
        return open + ">\n" + inner.map { "      \($0)\n" }.joined() + "    </testcase>\n"
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
        let text = StepSummary.failureText(step.failures)
        return "<failure message=\"\(XMLText.attribute(first.message + more))\" type=\"assertion\">\(XMLText.content(text))</failure>"
    }
}

extension Array {
    fileprivate func sum(_ count: (Element) -> Int) -> Int {
        reduce(0) { $0 + count($1) }
    }
}
