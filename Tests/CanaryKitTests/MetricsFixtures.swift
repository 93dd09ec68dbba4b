@testable import CanaryKit
import CurlEngine
import Foundation

/// Run records for the metrics and JUnit tests, built directly rather than by running canaries.
enum MetricsFixtures {
    static func step(
        _ name: String, _ outcome: StepOutcome = .passed, status: Int = 200,
        timings: Timings = Timings(dns: 1, connect: 2, tls: 3, firstByte: 40, transfer: 4, total: 50),
        failures: [AssertionFailure] = [], error: String? = nil, errorKind: String? = nil,
        certificateNotAfter: String? = nil, tls: TLSRecord? = nil
    ) -> StepRecord {
        let response = ResponseSummary(
            httpVersion: "HTTP/2", size: 10, redirects: 0, effectiveURL: "https://x.test/", primaryIP: "127.0.0.1",
            newConnections: 1, certificateNotAfter: certificateNotAfter, tls: tls)
        return StepRecord(
            name: name, outcome: outcome, statusCode: status, timings: timings, failures: failures, error: error,
            errorKind: errorKind, request: RequestSummary(method: "GET", url: "https://x.test/"),
            response: outcome == .skipped ? nil : response)
    }

    /// A handshake whose leaf became valid 2026-11-22 and whose intermediate expires 2026-12-10.
    static let tls: TLSRecord = {
        let day: TimeInterval = 86_400
        let leaf = CertificateInfo(subject: "CN = x.test", issuer: "CN = intermediate", notBefore: Date(timeIntervalSince1970: 1_795_305_600),
                                   notAfter: Date(timeIntervalSince1970: 1_797_897_600), subjectAltNames: ["x.test"])
        let intermediate = CertificateInfo(subject: "CN = intermediate", issuer: "CN = root", notBefore: nil,
                                           notAfter: Date(timeIntervalSince1970: 1_797_897_600 - 12 * day))
        return TLSRecord(TLSInfo(chain: [leaf, intermediate], protocolVersion: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384"))
    }()

    static func record(
        _ canary: String, passed: Bool = true, tags: [String: String] = [:], durationMs: Double = 123.5,
        start: String = "2026-11-22T14:28:41.000Z", end: String = "2026-11-22T14:28:41.123Z",
        error: String? = nil, steps: [StepRecord]
    ) -> RunRecord {
        RunRecord(
            canary: canary, runId: "20261122T142841Z-3f9a", start: start, end: end, durationMs: durationMs,
            passed: passed, attempt: 1, tags: tags, error: error, file: "canaries/\(canary).json", steps: steps)
    }

    static func metrics(_ record: RunRecord, passed: Int = 7, failed: Int = 2, state: String = "OK") -> CanaryMetrics {
        CanaryMetrics(last: record, runsPassed: passed, runsFailed: failed, alarmState: state)
    }

    /// Label values and tags chosen to break a careless renderer.
    static let hostile: CanaryMetrics = {
        let steps = [
            step("say \"hi\"\\now", certificateNotAfter: "2026-12-22T00:00:00.000Z", tls: tls),
            step("line\nbreak ✓ 日本", .failed, status: 503,
                 failures: [AssertionFailure(assertion: "status", expected: "200", actual: "503", message: "status: expected 200, got 503")]),
            step("tab\there", .failed, status: 0, error: "connection refused", errorKind: "connectionRefused"),
            step("later", .skipped, status: 0, timings: Timings()),
        ]
        let tags = ["team-name": "a\"b", "canary": "clash", "__meta": "x", "1st": "\\", "é": "ü\n", "step": "s", "a.b": "dup"]
        return metrics(record("hostile", passed: false, tags: tags, steps: steps), state: "ALARM")
    }()

    static let plain: CanaryMetrics = metrics(record("plain", tags: ["env": "prod"], steps: [step("home")]))
}
