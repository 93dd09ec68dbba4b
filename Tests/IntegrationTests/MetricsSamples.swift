@testable import CanaryKit
import CurlEngine
import Foundation

/// Canary metrics built from hand-made run records, for the promtool and Pushgateway tests.
enum MetricsSamples {
    static func step(_ name: String, _ outcome: StepOutcome = .passed, status: Int = 200, notAfter: String? = nil) -> StepRecord {
        let ran = outcome != .skipped
        return StepRecord(
            name: name, outcome: outcome, statusCode: status,
            timings: ran ? Timings(dns: 0.5, connect: 1.25, tls: 3, firstByte: 20, transfer: 2, total: 26.75) : Timings(),
            failures: [], error: nil, errorKind: nil, request: nil,
            response: ran ? ResponseSummary(httpVersion: "HTTP/1.1", size: 2, redirects: 0, effectiveURL: "http://x/",
                                            primaryIP: "127.0.0.1", newConnections: 1, certificateNotAfter: notAfter) : nil)
    }

    static func metrics(_ name: String, passed: Bool, tags: [String: String] = [:], steps: [StepRecord],
                        runs: (Int, Int) = (3, 1), state: String = "OK") -> CanaryMetrics {
        let record = RunRecord(
            canary: name, runId: "20261122T142841Z-0001", start: "2026-11-22T14:28:40.000Z",
            end: "2026-11-22T14:28:41.250Z", durationMs: 1250, passed: passed, attempt: 1, tags: tags, error: nil,
            file: "\(name).json", steps: steps)
        return CanaryMetrics(last: record, runsPassed: runs.0, runsFailed: runs.1, alarmState: state)
    }

    static let passing = metrics("passing", passed: true, tags: ["env": "prod"],
                                 steps: [step("home", notAfter: "2027-01-01T00:00:00.000Z")])
    static let failing = metrics("failing", passed: false, steps: [step("login", .failed, status: 503), step("next", .skipped, status: 0)],
                                 runs: (0, 5), state: "ALARM")
    static let hostile = metrics(
        "hostile", passed: false,
        tags: ["team-name": "a\"b\\c", "canary": "clash", "__meta": "x", "1st": "\n", "é": "ünï ✓ 日本 🐤", "job": "j", "a.b": "1", "a-b": "2"],
        steps: [step("say \"hi\"\\now\nthen\ttab", notAfter: "2026-12-01T00:00:00.000Z"), step("later", .skipped, status: 0)],
        state: "INSUFFICIENT_DATA")
}
