import CurlEngine
import Foundation

/// `dns`: one query over UDP to the name server, again over TCP when the reply comes back
/// truncated (TC), read by `DNSMessage.parse`. Our own small client rather than `res_nquery`:
/// glibc's resolver retries, rotates and parses for us, and would hide a malformed reply.
struct DNSProbe: Probe {
    var name: String
    var type: DNSRecordType
    var serverHost: String
    var serverPort: Int
    var timeout: Duration

    var target: String { "\(name) \(type.rawValue) @\(serverHost):\(serverPort)" }

    /// The largest reply read over UDP (no EDNS is sent, so a server keeps to 512 bytes).
    static let datagramLimit = 4096

    func run(engine: CurlEngine, session: HTTPSession) async -> ProbeOutcome {
        await ProbeThread.run { cancel in perform(cancel: cancel) }
    }

    private func perform(cancel: ProbeCancel) -> ProbeOutcome {
        let clock = ProbeClock()
        let deadline = clock.start + timeout
        var outcome = ProbeOutcome(target: target)
        outcome.asked = type
        do throws(TransferError) {
            let id = UInt16.random(in: 0...UInt16.max)
            let query: [UInt8]
            do {
                query = try DNSMessage.query(id: id, name: name, type: type)
            } catch {
                throw TransferError(kind: .invalidRequest, code: 0, message: error.description)
            }
            let address = try ProbeAddress.resolve(serverHost, port: serverPort, type: Int32(SOCK_DGRAM.rawValue))[0]
            outcome.peer = address.text
            let udp = try ProbeSocket(for: address, type: Int32(SOCK_DGRAM.rawValue), deadline: deadline, timeout: timeout, cancel: cancel)
            try udp.connect(to: address)
            try udp.send(query)
            var reply = try parse(try udp.receive(upTo: Self.datagramLimit, doing: "waiting for the reply of \(address.text)"), id: id, from: address)
            outcome.transport = "udp"
            if reply.truncated {
                reply = try askOverTCP(query, id: id, address: address, deadline: deadline, cancel: cancel)
                outcome.transport = "tcp"
            }
            outcome.reply = reply
        } catch {
            outcome.error = error
        }
        outcome.timings.total = clock.elapsed
        outcome.timings.dns = outcome.timings.total
        return outcome
    }

    private func parse(_ bytes: [UInt8], id: UInt16, from address: ProbeAddress) throws(TransferError) -> DNSMessage.Reply {
        do {
            return try DNSMessage.parse(bytes, expectedID: id)
        } catch {
            throw TransferError(kind: .malformedResponse, code: 0, message: "malformed DNS reply from \(address.text): \(error.description)")
        }
    }

    /// RFC 1035 4.2.2: each message over TCP is preceded by its length in two bytes.
    private func askOverTCP(_ query: [UInt8], id: UInt16, address: ProbeAddress, deadline: ContinuousClock.Instant, cancel: ProbeCancel) throws(TransferError) -> DNSMessage.Reply {
        let socket = try TCPProbe.connect([address], deadline: deadline, timeout: timeout, cancel: cancel)
        try socket.send([UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query)
        let doing = "reading the TCP reply of \(address.text) (asked again over TCP: the UDP reply was truncated)"
        let prefix = try readExactly(2, from: socket, doing: doing)
        let length = Int(prefix[0]) << 8 | Int(prefix[1])
        return try parse(try readExactly(length, from: socket, doing: doing), id: id, from: address)
    }

    private func readExactly(_ count: Int, from socket: ProbeSocket, doing what: String) throws(TransferError) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let chunk = try socket.receive(upTo: count - bytes.count, doing: what)
            guard !chunk.isEmpty else {
                throw TransferError(kind: .malformedResponse, code: 0, message: "malformed DNS reply from \(socket.peer): the connection closed after \(bytes.count) of \(count) bytes (truncated packet)")
            }
            bytes += chunk
        }
        return bytes
    }

    /// `host:port`, `[v6]:port` or a bare host (port 53); nil server: the first `nameserver` of
    /// /etc/resolv.conf, else 127.0.0.1.
    static func server(_ text: String?) -> (host: String, port: Int)? {
        guard let text else { return (systemNameServer() ?? "127.0.0.1", 53) }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, 53) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 1 { return text.isEmpty ? nil : (text, 53) }
        if parts.count > 2 { return (text, 53) }  // a bare IPv6 address
        guard !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(parts[0]), port)
    }

    private static func systemNameServer() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, words[0] == "nameserver" { return String(words[1]) }
        }
        return nil
    }
}
