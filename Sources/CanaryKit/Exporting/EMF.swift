import Foundation

/// CloudWatch's embedded metric format (EMF): JSON log lines the CloudWatch agent, or a Lambda
/// log group, turns into metrics. Per run, one line with the run's metrics under the dimension
/// `CanaryName`, and one line per step that ran with its metrics under `CanaryName, StepName`
/// (a dimension's value is a top-level key, so each step needs a line of its own). Names and
/// units are the ones CloudWatch Synthetics publishes. Inconclusive and cancelled runs say
/// nothing about the target and write nothing. Built from the redacted record.
public enum EMF {
    public static let defaultNamespace = "CloudWatchSynthetics"

    /// The lines of `record` (each a JSON object, without the newline).
    public static func lines(_ record: RunRecord, namespace: String) -> [String] {
        guard !record.isInconclusive, record.cancelled != true else { return [] }
        let timestamp = Int(((RunID.date(fromISO8601: record.end) ?? Date()).timeIntervalSince1970 * 1000).rounded())
        let ran = record.steps.filter { $0.outcome != .skipped }
        func count(_ range: ClosedRange<Int>) -> Double { Double(ran.filter { range.contains($0.statusCode) }.count) }
        var lines = [line(
            namespace: namespace, timestamp: timestamp, dimensions: [("CanaryName", record.canary)],
            metrics: [
                ("SuccessPercent", "Percent", record.passed ? 100 : 0),
                ("Duration", "Milliseconds", record.durationMs),
                ("Failed", "Count", record.passed ? 0 : 1),
                ("2xx", "Count", count(200...299)),
                ("4xx", "Count", count(400...499)),
                ("5xx", "Count", count(500...599)),
                // Requests that got no HTTP answer (refused, timed out, TLS…).
                ("Failed requests", "Count", Double(ran.filter { $0.request != nil && $0.statusCode == 0 }.count)),
            ],
            properties: record)]
        for step in ran {
            lines.append(line(
                namespace: namespace, timestamp: timestamp, dimensions: [("CanaryName", record.canary), ("StepName", step.name)],
                metrics: [("SuccessPercent", "Percent", step.outcome == .passed ? 100 : 0), ("Duration", "Milliseconds", step.timings.total)],
                properties: record))
        }
        return lines
    }

    private static func line(
        namespace: String, timestamp: Int, dimensions: [(String, String)], metrics: [(name: String, unit: String, value: Double)],
        properties record: RunRecord
    ) -> String {
        let out = RecordJSON.Stream(pretty: false)
        out.begin()
        out.begin("_aws")
        out.member("Timestamp", timestamp)
        out.begin("CloudWatchMetrics", array: true)
        out.begin()
        out.member("Namespace", namespace)
        out.begin("Dimensions", array: true)
        out.begin(nil, array: true)
        for (key, _) in dimensions { out.member(nil, .string(key)) }
        out.end()
        out.end()
        out.begin("Metrics", array: true)
        for metric in metrics {
            out.begin()
            out.member("Name", metric.name)
            out.member("Unit", metric.unit)
            out.end()
        }
        out.end()
        out.end()
        out.end()
        out.end()
        for (key, value) in dimensions { out.member(key, value) }
        for metric in metrics { out.member(metric.name, metric.value.isFinite ? metric.value : 0) }
        // Properties: searchable in CloudWatch Logs Insights, not metrics.
        out.member("RunId", record.runId)
        out.member("TraceId", record.traceId)
        out.close(deeperThan: 0)
        return String(decoding: out.writer.bytes, as: UTF8.self)
    }
}
