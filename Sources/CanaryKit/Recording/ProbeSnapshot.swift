import CurlEngine
import Foundation

/// `NN-<step>.tcp`, `.tls`, `.dns`: a tcp, tls or dns step as an on-call engineer wants to read
/// it, like the `.http` snapshot: a header block of facts and timings, then what was sent and
/// what came back. Redacted, with every byte from the server escaped onto printable lines.
struct ProbeSnapshot {
    let exchange: ProbeExchange
    let step: StepRecord
    let redactor: Redactor
    let maxBytes: Int

    /// `01-smtp.tcp`
    var fileName: String { Snapshot.baseName(index: exchange.index, step: exchange.step) + "." + exchange.kind }

    func render() -> [UInt8] {
        let outcome = exchange.outcome
        let t = step.timings
        var lines = [
            "# canary snapshot: step \(exchange.index) \(exchange.step) (\(exchange.kind)), \(step.outcome.rawValue)",
            "# started: \(RunID.iso8601(exchange.started))",
            "# timings (ms): dns \(t.dns) connect \(t.connect) tls \(t.tls) firstByte \(t.firstByte) transfer \(t.transfer) total \(t.total)",
            "# target: \(line(outcome.target))" + (outcome.peer.map { "  address: \(line($0))" } ?? ""),
        ]
        if let error = step.error { lines.append("# error: \(line(error))") }
        for failure in step.failures { lines.append("# failed: \(line(failure.message))") }
        lines.append("")
        if let sent = outcome.sent { lines += block("> sent", sent) }
        if let received = outcome.received { lines += block("< received", received) }
        if let certificate = outcome.certificate {
            lines.append("certificate subject: \(line(certificate.subject))")
            lines.append("certificate issuer: \(line(certificate.issuer))")
            if let notBefore = certificate.notBefore { lines.append("certificate notBefore: \(RunID.iso8601(notBefore))") }
            lines.append("certificate notAfter: \(RunID.iso8601(certificate.notAfter))")
        }
        if let tls = outcome.tls {
            lines.append("tls: \(line(tls.protocolVersion)) \(line(tls.cipher)), \(tls.chain.count) certificate(s) sent")
            if let chainNotAfter = tls.chainNotAfter { lines.append("chain notAfter (earliest): \(RunID.iso8601(chainNotAfter))") }
        }
        if let reply = outcome.reply {
            lines.append(";; \(outcome.transport ?? "udp") reply: \(DNSMessage.rcodeName(reply.rcode)), id \(reply.id), \(reply.answers.count) answer(s)\(reply.truncated ? ", truncated" : "")")
            for record in reply.answers {
                lines.append("\(line(record.name))\t\(record.ttl)\tIN\t\(Self.typeName(record.type))\t\(line(record.data))")
            }
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Bytes as text lines under a heading; capped at `maxBytes`, the real size said.
    private func block(_ heading: String, _ bytes: [UInt8]) -> [String] {
        var out = ["\(heading) (\(bytes.count) bytes)"]
        switch BodyText.classify(bytes, limit: maxBytes, redactor: redactor) {
        case .empty: break
        case .text(let text, let truncated):
            out.append(PrintableText.escapingLines(text))
            if truncated { out.append("[truncated: \(bytes.count) bytes in all, first \(maxBytes) shown]") }
        case .binary(let shown):
            out.append("[binary: \(bytes.count) bytes] " + shown.prefix(256).map { String(format: "%02x", $0) }.joined())
        }
        return out
    }

    private func line(_ text: String) -> String { PrintableText.escaping(redactor.redact(text)) }

    private static func typeName(_ code: UInt16) -> String {
        DNSRecordType.allCases.first { $0.code == code }?.rawValue ?? "TYPE\(code)"
    }
}
