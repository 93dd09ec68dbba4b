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

    /// `01-login`: the name shared by a step's snapshot, body and screenshot files.
    public static func baseName(index: Int, step: String) -> String {
        RunID.padded(index) + "-" + step
    }

    /// The snapshot text, and the binary body to store beside it, if any.
    func render() -> (text: [UInt8], binaryBody: [UInt8]?) {
        var out = header()
        out += "\n" + requestBlock()
        var binary: [UInt8]?
        if let response = exchange.response {
            out += "\n\(response.httpVersion) \(response.statusCode) \(sanitizeLine(response.reason))\n"
            for header in response.headers {
                out += "\(sanitizeLine(header.name)): \(sanitizeLine(redactor.redactHeader(name: header.name, value: header.value)))\n"
            }
            out += "\n"
            switch BodyText.classify(response.body, limit: maxBodyBytes) {
            case .empty:
                break
            case .text(let text, let truncated):
                out += redactor.redact(text)
                if truncated {
                    out += "\n[truncated: \(response.body.count) bytes in all, first \(maxBodyBytes) shown]\n"
                }
            case .binary:
                binary = redactor.redact(bytes: Array(response.body.prefix(maxBodyBytes)))
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
        var out = exchange.requestHeaderLines(redactor: redactor).map { $0 + "\n" }.joined()
        if let body = exchange.request.body, !body.isEmpty {
            out += "\n"
            switch BodyText.classify(body, limit: maxBodyBytes) {
            case .empty: break
            case .text(let text, let truncated):
                out += redactor.redact(text) + (truncated ? "\n[truncated: \(body.count) bytes in all]" : "") + "\n"
            case .binary: out += "[binary request body: \(body.count) bytes]\n"
            }
        }
        return out
    }

    /// Header values come from the server: no line breaks may sneak extra lines in.
    private func sanitizeLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
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
            + request.headers.map { "\($0.name): \(redactor.redactHeader(name: $0.name, value: $0.value))" }
    }
}

/// Whether a body is shown as text: valid UTF-8 without NUL bytes (a cut in the middle of a
/// character at the cap is tolerated).
enum BodyText {
    enum Kind {
        case empty
        case text(String, truncated: Bool)
        case binary
    }

    static func classify(_ body: [UInt8], limit: Int) -> Kind {
        guard !body.isEmpty else { return .empty }
        let shown = body.prefix(limit)
        if shown.contains(0) { return .binary }
        // Up to 3 bytes of a character cut by the cap may dangle at the end.
        for cut in 0...min(3, shown.count - 1) {
            if let text = String(validating: shown.dropLast(cut), as: UTF8.self) {
                if cut > 0 && shown.count == body.count { return .binary }
                return .text(text, truncated: body.count > limit)
            }
        }
        return .binary
    }
}
