import CurlEngine
import Foundation

/// Renders runs for a terminal or a log: one line per canary, and with `-v` every exchange.
/// Reads redacted data only: it gets the redactor of the run and applies it to all it shows.
public enum ConsoleReport {
    /// `✓ checkout  312ms`, `⚠ checkout  312ms  degraded: login › duration: …` (passed, but a
    /// `warn` check missed) or `✗ checkout  1.2s  login › status: expected 200, got 503`; an
    /// inconclusive run (the runner lacked a descriptor or port) is `? checkout  2.0s  inconclusive: …`.
    public static func line(for record: RunRecord) -> String {
        let mark = record.isDegraded ? "⚠" : record.passed ? "✓" : record.isInconclusive ? "?" : "✗"
        var text = "\(mark) \(record.canary)  \(formatMilliseconds(record.durationMs))"
        if record.attempt > 1 { text += "  (attempt \(record.attempt))" }
        if record.passed && record.flaky == true { text += "  flaky: passed on a retry" }
        if record.isInconclusive { text += "  inconclusive:" }
        if !record.passed, let failure = record.firstFailure {
            text += failure.step.isEmpty ? "  \(failure.message)" : "  \(failure.step) › \(failure.message)"
        } else if let step = record.steps.first(where: { $0.warnings != nil }), let missed = step.warnings?.first {
            text += "  degraded: \(step.name) › \(missed.message)"
        }
        return sanitize(Substring(text))
    }

    /// The closing line: `4 passed, 1 failed (5 canaries in 1.3s)`, with `, 2 inconclusive` when
    /// some runs could not be carried out.
    public static func summary(passed: Int, failed: Int, inconclusive: Int = 0, elapsedMs: Double) -> String {
        let also = inconclusive > 0 ? ", \(inconclusive) inconclusive" : ""
        return "\(passed) passed, \(failed) failed\(also) (\(counted(passed + failed + inconclusive, "canary", "canaries")) in \(formatMilliseconds(elapsedMs)))"
    }

    /// Every request and response of the run, then every failure with expected and actual.
    public static func verbose(_ result: RunResult, bodyLimit: Int = 4096) -> String {
        let redactor = Redactor(secrets: result.secrets)
        let record = redactor.redact(result.record)
        var out: [String] = []
        for (index, step) in record.steps.enumerated() {
            out.append("  ── step \(index + 1) \(step.name): \(step.outcome.rawValue)")
            if let traceId = record.traceId, let spanId = step.spanId { out.append("  * trace \(traceId) span \(spanId)") }
            if let exchange = result.exchanges.first(where: { $0.step == step.name }) {
                // Every hop of a followed redirect, then the last request: each with its full URL.
                let hops = exchange.response?.hops ?? []
                for hop in hops {
                    out.append("  * \(sanitize(hop.method)) \(sanitize(redactor.redact(hop.url)))")
                    out += hop.requestHeaderBlock.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
                        .map { "  > " + sanitize(redactor.redactHeaderLine(String($0))) }
                    let version = exchange.response?.httpVersion ?? ""
                    out.append("  < \(version) \(hop.statusCode) \(sanitize(redactor.redact(hop.reason)))")
                    out += hop.headers.map(redactor.redact).map { "  < \(sanitize($0.name)): \(sanitize($0.value))" }
                }
                let url = hops.isEmpty ? exchange.request.url : exchange.response?.effectiveURL ?? exchange.request.url
                out.append("  * \(sanitize(exchange.request.method)) \(sanitize(redactor.redact(url)))")
                out += connectionLines(step.request)
                out += requestLines(exchange, redactor: redactor, bodyLimit: bodyLimit)
                if let response = exchange.response {
                    out += responseLines(response, redactor: redactor, bodyLimit: bodyLimit)
                }
            }
            if step.outcome != .skipped { out.append("  * timings: " + timingsText(step.timings)) }
            if let response = step.response { out += tlsLines(response) }
            if let error = step.error { out.append("  ! \(sanitize(error))") }
            for failure in step.failures {
                out.append("  ✗ \(sanitize(failure.message))")
                out.append("      expected: \(sanitize(failure.expected))")
                out.append("      actual:   \(sanitize(failure.actual))")
            }
        }
        return out.joined(separator: "\n")
    }

    /// `* client certificate PATH (key PATH)`: how the request reached its server beyond the URL.
    static func connectionLines(_ request: RequestSummary?) -> [String] {
        var out: [String] = []
        if let proxy = request?.proxy { out.append("  * proxy \(sanitize(proxy))") }
        if let socket = request?.unixSocket { out.append("  * unix socket \(sanitize(socket))") }
        if let client = request?.clientCertificate {
            out.append("  * client certificate \(sanitize(client.cert))" + (client.key.map { " (key \(sanitize($0)))" } ?? ""))
        }
        return out
    }

    /// `* tls TLSv1.3 TLS_AES_256_GCM_SHA384`, then the leaf certificate's names and dates.
    static func tlsLines(_ response: ResponseSummary) -> [String] {
        guard let tls = response.tls else { return [] }
        var out = ["  * tls \(sanitize(tls.protocol)) \(sanitize(tls.cipher))"]
        out.append("  * certificate subject \(sanitize(tls.subject)); issuer \(sanitize(tls.issuer)); names \(sanitize(tls.subjectAltNames.joined(separator: ", ")))")
        let dates = [("notBefore", tls.notBefore), ("notAfter", response.certificateNotAfter), ("chain notAfter", tls.chainNotAfter)]
        out.append("  * certificate " + dates.map { "\($0.0) \(sanitize($0.1 ?? "?"))" }.joined(separator: ", "))
        return out
    }

    /// `dns 0.1ms, connect 0.2ms, tls 0ms, firstByte 12ms, transfer 0.5ms, total 13ms`.
    static func timingsText(_ timings: Timings) -> String {
        [("dns", timings.dns), ("connect", timings.connect), ("tls", timings.tls), ("firstByte", timings.firstByte),
         ("transfer", timings.transfer), ("total", timings.total)]
            .map { "\($0.0) \(formatMilliseconds($0.1))" }.joined(separator: ", ")
    }

    private static func requestLines(_ exchange: Exchange, redactor: Redactor, bodyLimit: Int) -> [String] {
        var out = exchange.requestHeaderLines(redactor: redactor).map { "  > " + sanitize($0) }
        if let body = exchange.request.body, !body.isEmpty {
            out.append("  >")
            out += bodyLines(body, prefix: "  > ", redactor: redactor, limit: bodyLimit)
        }
        return out
    }

    private static func responseLines(_ response: HTTPResponse, redactor: Redactor, bodyLimit: Int) -> [String] {
        var out = ["  < \(response.httpVersion) \(response.statusCode) \(sanitize(redactor.redact(response.reason)))"]
        for header in response.headers.map(redactor.redact) {
            out.append("  < \(sanitize(header.name)): \(sanitize(header.value))")
        }
        if !response.body.isEmpty {
            out.append("  <")
            out += bodyLines(response.body, prefix: "  < ", redactor: redactor, limit: bodyLimit)
        }
        return out
    }

    /// Text bodies as text (control characters escaped, so a hostile body can't drive the
    /// terminal), binary bodies as a byte count, long bodies cut with the real size said.
    static func bodyLines(_ body: [UInt8], prefix: String, redactor: Redactor, limit: Int) -> [String] {
        guard case .text(let text, let truncated) = BodyText.classify(body, limit: limit, redactor: redactor) else {
            return ["\(prefix)(binary body, \(body.count) bytes)"]
        }
        var lines = PrintableText.lines(of: text).map { prefix + sanitize($0) }
        if truncated { lines.append("\(prefix)… (\(body.count) bytes in all, first \(limit) shown)") }
        return lines
    }

    /// Escapes control characters (ESC and friends) except tab, as `PrintableText` does everywhere.
    public static func sanitize(_ text: some StringProtocol) -> String {
        PrintableText.escaping(text, keepingTabs: true)
    }

    /// A measured time for people: `4.2ms`, `850ms`, `1.23s` (three significant digits at most).
    public static func formatMilliseconds(_ ms: Double) -> String {
        let rounded = ms < 10 ? (ms * 10).rounded() / 10 : ms < 1000 ? ms.rounded() : (ms / 10).rounded() * 10
        return Duration.milliseconds(rounded).humanText
    }
}
