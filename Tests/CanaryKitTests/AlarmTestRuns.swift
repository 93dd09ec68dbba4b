@testable import CanaryKit
import CurlEngine
import Foundation

/// Run records for the alarm tests: a passing run, or one failing at step `login` with a status.
enum AlarmTestRuns {
    static func run(passed: Bool, canary: String = "checkout", runId: String = "20261122T142841Z-3f9a") -> RunRecord {
        let failure = AssertionFailure(
            assertion: "status", expected: "200", actual: "503", message: "status: expected 200, got 503")
        let login = StepRecord(
            name: "login", outcome: passed ? .passed : .failed, statusCode: passed ? 200 : 503,
            timings: Timings(total: 12), failures: passed ? [] : [failure], error: nil, errorKind: nil,
            request: nil, response: nil)
        return RunRecord(
            canary: canary, runId: runId, start: "2026-11-22T14:28:40.000Z", end: "2026-11-22T14:28:41.234Z",
            durationMs: 1234.4, passed: passed, attempt: 1, tags: ["team": "payments"],
            error: passed ? nil : failure.message, file: "canaries/checkout.json", steps: [login])
    }

    /// 2026-11-22T14:28:41Z plus `seconds`.
    static func time(_ seconds: Double = 0) -> Date {
        Date(timeIntervalSince1970: 1_795_357_721 + seconds)
    }
}
