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
    /// ISO 8601 UTC: the first attempt's start and the last attempt's end, so `durationMs`
    /// is the whole run's, retries and the pauses between them included.
    public var start: String
    public var end: String
    public var durationMs: Double
    public var passed: Bool
    /// The number of the last attempt (1 when the run was not retried); `steps` are its steps.
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
    /// true when the run was stopped from outside (SIGTERM/SIGINT) before it finished: recorded,
    /// but not a datapoint of the alarm (the target did nothing wrong). Absent otherwise.
    public var cancelled: Bool? = nil
    /// Every attempt of a retried run, in order, the last one included; nil (left out) when the
    /// run made a single attempt, which the top-level fields already describe.
    public var attempts: [AttemptRecord]? = nil
    /// Where the run's exchanges (every attempt's, as HAR) are kept in the exchange segments;
    /// nil with `--artifacts none` and in records written before segments.
    public var har: StoredPlace? = nil
    /// true when the run started inside one of the canary's maintenance windows: not a datapoint
    /// of the alarm (see `MaintenanceWindow`); left out otherwise.
    public var maintenance: Bool? = nil
    /// `dependsOn`: the dependencies that were in ALARM when the run was recorded; a failing run
    /// then holds the canary's change to ALARM. Left out when none was.
    public var suppressedBy: [String]? = nil
    /// true when the run passed only on a retry (an earlier attempt failed); left out otherwise.
    public var flaky: Bool? = nil
    /// true when the run passed every `expect` but a step missed a `warn` check; left out otherwise.
    public var degraded: Bool? = nil
    /// The last attempt's trace (32 hex digits; see `TraceContext`) and its root span (16 hex
    /// digits): each step's `spanId` is a child of it. Absent in records from before tracing.
    public var traceId: String? = nil
    public var spanId: String? = nil

    /// Passed, but some step missed a `warn` check.
    public var isDegraded: Bool { passed && degraded == true }
}

/// A byte range of a file of the results folder: `segment` relative to the folder.
public struct StoredPlace: Sendable, Codable, Equatable {
    public var segment: String
    public var offset: Int
    public var length: Int
}

/// One attempt of a retried run: its own times, outcome and steps (each attempt gets the
/// canary's `timeout`).
public struct AttemptRecord: Sendable, Codable {
    /// 1-based.
    public var attempt: Int
    public var start: String
    public var end: String
    public var durationMs: Double
    public var passed: Bool
    public var error: String?
    public var steps: [StepRecord]
    public var inconclusive: Bool? = nil
    /// Each attempt is a trace of its own.
    public var traceId: String? = nil
    public var spanId: String? = nil
}

/// One step of a recorded run. Its large optional parts are boxed (`OptionalBox`): a step that
/// has none is about 200 bytes instead of 800.
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
    @OptionalBox public var request: RequestSummary? = nil
    @OptionalBox public var response: ResponseSummary? = nil
    /// The step's screenshot, when one was due: written, or why not.
    @OptionalBox public var screenshot: ScreenshotRecord? = nil
    /// The `warn` checks the response missed (left out when none did).
    public var warnings: [AssertionFailure]? = nil
    /// The step's span in its attempt's trace: the parent id of the trace headers it sent.
    public var spanId: String? = nil
    /// ISO 8601 UTC: when the step began (its span's start).
    public var start: String? = nil
    /// A tcp, tls or dns step: what it probed and found; absent for HTTP steps.
    @OptionalBox public var probe: ProbeSummary? = nil
    /// A browser step: the page it ended on, its console, requests, dialogs and actions.
    @OptionalBox public var browser: BrowserSummary? = nil
}

/// A step's screenshot in the record. `error` says why none was written (never silence); the
/// visual fields are set when the step has `expect.visual`.
public struct ScreenshotRecord: Sendable, Codable, Equatable {
    /// The PNG's name in the run folder.
    public var file: String?
    public var error: String?
    /// Changed pixels over compared pixels, against the canary's baseline (0...1).
    public var difference: Double?
    /// The image highlighting what changed, in the run folder.
    public var diffFile: String?
    /// true when this screenshot became the canary's baseline for the step.
    public var newBaseline: Bool?

    public init(file: String? = nil, error: String? = nil) {
        self.file = file
        self.error = error
    }
}

/// The request of a step as sent (redacted).
public struct RequestSummary: Sendable, Codable {
    public var method: String
    public var url: String
    /// The client certificate's files (`clientCertificate`), never its password.
    public var clientCertificate: ClientCertificateRecord? = nil
    /// The proxy (`proxy` or `--proxy`): its URL without user-info, or `env`.
    public var proxy: String? = nil
    /// The unix socket the request went to (`unixSocket`).
    public var unixSocket: String? = nil
}

extension RequestSummary {
    init(_ request: HTTPRequest) {
        self.init(method: request.method, url: request.url)
        clientCertificate = request.connection.clientCertificate.map { ClientCertificateRecord(cert: $0.cert, key: $0.key) }
        proxy = request.connection.proxy.display
        unixSocket = request.connection.unixSocket
    }
}

/// The paths of a request's client certificate and key, as recorded.
public struct ClientCertificateRecord: Sendable, Codable, Equatable {
    public var cert: String
    public var key: String?
    public init(cert: String, key: String? = nil) {
        self.cert = cert
        self.key = key
    }
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
    /// The rest of what the TLS handshake showed, for https.
    public var tls: TLSRecord? = nil
}

/// The TLS handshake of a step, as recorded: what `expect.certificate` reads besides `expiresIn`.
public struct TLSRecord: Sendable, Codable, Equatable {
    /// `TLSv1.3`, `TLSv1.2`, ...
    public var `protocol`: String
    public var cipher: String
    public var subject: String
    public var issuer: String
    public var subjectAltNames: [String]
    /// ISO 8601 UTC notBefore of the leaf.
    public var notBefore: String?
    /// ISO 8601 UTC: the earliest notAfter among the certificates the server sent.
    public var chainNotAfter: String?

    public init(_ tls: TLSInfo) {
        `protocol` = tls.protocolVersion
        cipher = tls.cipher
        subject = tls.leaf?.subject ?? ""
        issuer = tls.leaf?.issuer ?? ""
        subjectAltNames = tls.leaf?.subjectAltNames ?? []
        notBefore = tls.leaf?.notBefore.map(RunID.iso8601)
        chainNotAfter = tls.chainNotAfter.map(RunID.iso8601)
    }
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
