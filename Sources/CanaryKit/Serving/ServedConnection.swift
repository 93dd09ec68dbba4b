import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client of the status listener: what it sent that is not answered yet, what it has not
/// read yet, and the times its timeouts run from.
struct ServedConnection {
    let fd: Int32
    var input: [UInt8] = []
    var output: [UInt8] = []
    var written = 0
    /// When the first byte of the request being read arrived.
    var requestStarted: ContinuousClock.Instant?
    var lastActivity: ContinuousClock.Instant
    /// Close once the output is sent (an error, `Connection: close`, a refused method).
    var closing = false
    /// After the last response: our side is shut and what the client still sends is read and
    /// dropped for a moment, so that the response is not lost to a reset.
    var draining: ContinuousClock.Instant?
    var drained = 0
    var peerClosed = false
    var wantsParse = false

    init(fd: Int32, now: ContinuousClock.Instant) {
        self.fd = fd
        lastActivity = now
    }

    /// No request under way and nothing to send: the first to go when the connections are full.
    var isIdle: Bool { input.isEmpty && output.isEmpty && draining == nil }

    func events(limit: Int) -> Int16 {
        var events: Int16 = 0
        if !output.isEmpty { events |= Int16(POLLOUT) }
        if draining != nil || (!closing && !peerClosed && output.count < limit && input.count <= 1 << 16) { events |= Int16(POLLIN) }
        return events
    }

    mutating func read(into buffer: inout [UInt8], now: ContinuousClock.Instant) {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno != EAGAIN && errno != EINTR { peerClosed = true; closing = true; output = []; written = 0 }
            return
        }
        if count == 0 {
            peerClosed = true
            if draining != nil { output = [] }
            closing = true
            return
        }
        lastActivity = now
        if draining != nil {
            drained += count
            return
        }
        input += buffer[0..<count]
        wantsParse = true
    }

    mutating func write(now: ContinuousClock.Instant) {
        guard !output.isEmpty else { return }
        let sent = output.withUnsafeBytes { send(fd, $0.baseAddress! + written, $0.count - written, Int32(MSG_NOSIGNAL)) }
        if sent < 0 {
            if errno != EAGAIN && errno != EINTR { output = []; written = 0; closing = true; peerClosed = true }
            return
        }
        written += sent
        lastActivity = now
        if written == output.count {
            output = []
            written = 0
            if closing && draining == nil && !peerClosed {
                shutdown(fd, Int32(SHUT_WR))
                draining = now
            } else {
                wantsParse = true
            }
        }
    }

    /// The bytes of a last response; nothing more is read as requests.
    mutating func finish(with bytes: [UInt8]) {
        output += bytes
        input = []
        closing = true
        requestStarted = nil
    }

    enum Expiry { case header, idle, write, done }

    /// Why this connection should be closed now, if it should.
    func expired(now: ContinuousClock.Instant, limits: StatusServer.Limits) -> Expiry? {
        if let draining { return now - draining > .seconds(1) || drained > 1 << 20 || peerClosed ? .done : nil }
        if closing && output.isEmpty { return .done }
        if !output.isEmpty { return now - lastActivity > limits.writeTimeout ? .write : nil }
        if let started = requestStarted, now - started > limits.headerTimeout { return .header }
        if input.isEmpty, now - lastActivity > limits.idleTimeout { return .idle }
        return nil
    }
}
