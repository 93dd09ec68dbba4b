import CurlEngine
import Foundation

/// What happened to one step of a run.
public enum StepOutcome: String, Sendable, Codable {
    case passed, failed, skipped
}

/// One canary run as recorded in `runs.jsonl` and `run.json`. Strings in it are already redacted
/// when it reaches disk or the console (see `Redactor`).
public struct RunRecord: Sendable, Codable {
    public var canary: String
    public var runId: String
    /// ISO 8601 UTC.
    public var start: String
    public var end: String
    public var durationMs: Double
    public var passed: Bool
    /// 1 for the first attempt; the last attempt is the one recorded.
    public var attempt: Int
    public var tags: [String: String]
    /// A failure of the run as a whole (timeout, interpolation), or the first step failure's message.
    public var error: String?
    public var file: String
    public var steps: [StepRecord]
    /// true when the runner could not get a resource of its own (descriptor, local port, memory)
    /// for a step: neither a pass nor a failure of the target. Left out (nil) otherwise.
    public var inconclusive: Bool? = nil

    /// The run says nothing about the target: alarms, success metrics and exit 1 ignore it.
    public var isInconclusive: Bool { inconclusive == true }
}

/// One step of a recorded run.
public struct StepRecord: Sendable, Codable {
    public var name: String
    public var outcome: StepOutcome
    /// 0 when no response was received.
    public var statusCode: Int
    public var timings: Timings
    public var failures: [AssertionFailure]
    /// A transfer, interpolation or capture error; nil when the step got as far as its assertions.
    public var error: String?
    /// The class of transfer error (timeout, connectionRefused, …), for grouping and metrics.
    public var errorKind: String?
    public var request: RequestSummary?
    public var response: ResponseSummary?
}

/// The request of a step as sent (redacted).
public struct RequestSummary: Sendable, Codable {
    public var method: String
    public var url: String
}

/// The response of a step, without its body.
public struct ResponseSummary: Sendable, Codable {
    public var httpVersion: String
    public var size: Int
    public var redirects: Int
    public var effectiveURL: String
    public var primaryIP: String
    public var newConnections: Int
    /// ISO 8601 UTC notAfter of the leaf certificate, for https.
    public var certificateNotAfter: String?
}

extension RunRecord {
    /// The first failing step and its first failure, as one line: `login: status: expected 200, got 503`.
    public var firstFailure: (step: String, message: String)? {
        guard let step = steps.first(where: { $0.outcome == .failed }) else {
            return error.map { ("", $0) }
        }
        let message = step.error ?? step.failures.first?.message ?? "failed"
        return (step.name, message)
    }
}
