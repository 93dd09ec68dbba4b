import CurlEngine
import Foundation

/// `NN-<step>.http`: what was sent and what came back for one step, as an on-call engineer
/// wants to read it: a header block of facts and timings, the request as sent, then the status
/// line, headers and body as received. Redacted; bodies capped with the real size said; a
/// binary body goes to `NN-<step>.body` beside it.
public struct Snapshot {
    let exchange: Exchange
    let step: StepRecord
    let redactor: Redactor
    let maxBodyBytes: Int

    /// `01-login`
    var baseName: String { Snapshot.baseName(index: exchange.index, step: exchange.step) }

    /// `01-login`, `01-get-json-3fa9c2`: the name shared by a step's snapshot, body and
    /// screenshot files (the step name's slug).
    public static func baseName(index: Int, step: String) -> String {
        RunID.padded(index) + "-" + NameSlug.slug(step)
    }

    /// The same in a run folder written before slugs (`01-Get_Data`), when it differs; nil otherwise.
    public static func legacyBaseName(index: Int, step: String) -> String? {
        guard NameSlug.wasFileSafe(step), NameSlug.slug(step) != step else { return nil }
        return RunID.padded(index) + "-" + step
    }

    /// The snapshot text, and the binary body to store beside it, if any.
    func render() -> (text: [UInt8], binaryBody: [UInt8]?) {
        var out = header()
        out += "\n" + requestBlock()
        var binary: [UInt8]?
        if let response = exchange.response {
            out += "\n\(response.httpVersion) \(response.statusCode) \(sanitizeLine(redactor.redact(response.reason)))\n"
            for header in response.headers.map(redactor.redact) {
                out += "\(sanitizeLine(header.name)): \(sanitizeLine(header.value))\n"
            }
            out += "\n"
            switch BodyText.classify(response.body, limit: maxBodyBytes, redactor: redactor) {
            case .empty:
                break
            case .text(let text, let truncated):
                out += text
                if truncated {
                    out += "\n[truncated: \(response.body.count) bytes in all, first \(maxBodyBytes) shown]\n"
                }
            case .binary(let bytes):
                binary = bytes
                out += "[binary body: \(response.body.count) bytes, saved as \(baseName).body"
                out += response.body.count > maxBodyBytes ? ", first \(maxBodyBytes) bytes kept]\n" : "]\n"
            }
        } else {
            out += "\n[no response: \(redactor.redact(exchange.error ?? "the transfer failed"))]\n"
        }
        return (Array(out.utf8), binary)
    }

    private func header() -> String {
        let t = step.timings
        var lines = [
            "# canary snapshot: step \(exchange.index) \(exchange.step), \(step.outcome.rawValue)",
            "# started: \(RunID.iso8601(exchange.started))",
            "# timings (ms): dns \(t.dns) connect \(t.connect) tls \(t.tls) firstByte \(t.firstByte) transfer \(t.transfer) total \(t.total)",
        ]
        if let response = exchange.response {
            lines.append("# url: \(redactor.redact(response.effectiveURL))  ip: \(response.primaryIP)  redirects: \(response.redirectCount)")
            lines.append("# body: \(response.body.count) bytes")
        }
        if let error = step.error { lines.append("# error: \(sanitizeLine(redactor.redact(error)))") }
        for failure in step.failures { lines.append("# failed: \(sanitizeLine(redactor.redact(failure.message)))") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func requestBlock() -> String {
        var out = exchange.requestHeaderLines(redactor: redactor).map { sanitizeLine($0) + "\n" }.joined()
        if let body = exchange.request.body, !body.isEmpty {
            out += "\n"
            switch BodyText.classify(body, limit: maxBodyBytes, redactor: redactor) {
            case .empty: break
            case .text(let text, let truncated):
                out += text + (truncated ? "\n[truncated: \(body.count) bytes in all]" : "") + "\n"
            case .binary: out += "[binary request body: \(body.count) bytes]\n"
            }
        }
        return out
    }

    /// Header lines come from the server: no line break may add a line, no escape sequence
    /// may reach a terminal that shows the file.
    private func sanitizeLine(_ text: String) -> String {
        PrintableText.escaping(text)
    }
}

extension Exchange {
    /// The request line and headers, redacted: exactly as libcurl sent them when it got as far as
    /// a response, otherwise the request as built.
    func requestHeaderLines(redactor: Redactor) -> [String] {
        let sent = response?.requestHeaderBlock ?? ""
        guard sent.isEmpty else {
            return sent.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }.map { redactor.redactHeaderLine(String($0)) }
        }
        return ["\(request.method) \(redactor.redact(request.url))"]
            + request.headers.map(redactor.redact).map { "\($0.name): \($0.value)" }
    }
}

/// A body as it may be shown, masked first and then cut to `limit` bytes (`Redactor.maskedPrefix`):
/// text when valid UTF-8 without NUL bytes (a cut in the middle of a character is tolerated),
/// otherwise binary.
enum BodyText {
    enum Kind {
        case empty
        case text(String, truncated: Bool)
        case binary([UInt8])
    }

    static func classify(_ body: [UInt8], limit: Int, redactor: Redactor) -> Kind {
        guard !body.isEmpty else { return .empty }
        let (shown, truncated) = redactor.maskedPrefix(body, limit: limit)
        guard !shown.isEmpty else { return .text("", truncated: truncated) }
        if shown.contains(0) { return .binary(shown) }
        // Up to 3 bytes of a character cut by the cap may dangle at the end.
        for cut in 0...min(3, shown.count - 1) {
            if let text = String(validating: shown.dropLast(cut), as: UTF8.self) {
                if cut > 0 && !truncated { return .binary(shown) }
                return .text(text, truncated: truncated)
            }
        }
        return .binary(shown)
    }
}
