import CurlEngine
import Foundation

/// `tcp`: resolve, connect (each address in turn until one accepts), send `send`, then read the
/// banner: `readBytes` bytes, or without it the first line, until the server closes at most.
struct TCPProbe: Probe {
    var host: String
    var port: Int
    var send: [UInt8]?
    var readBytes: Int?
    var reads: Bool
    var timeout: Duration

    /// A banner read without `readBytes` stops at its first line or at this many bytes.
    static let lineLimit = 64 << 10

    var target: String { "\(host):\(port)" }

    func run(engine: CurlEngine, session: HTTPSession) async -> ProbeOutcome {
        await ProbeThread.run { cancel in perform(cancel: cancel) }
    }

    private func perform(cancel: ProbeCancel) -> ProbeOutcome {
        let clock = ProbeClock()
        let deadline = clock.start + timeout
        var outcome = ProbeOutcome(target: target)
        do throws(TransferError) {
            let addresses = try ProbeAddress.resolve(host, port: port, type: Int32(SOCK_STREAM.rawValue))
            outcome.timings.dns = clock.elapsed
            let socket = try Self.connect(addresses, deadline: deadline, timeout: timeout, cancel: cancel)
            outcome.peer = socket.peer
            outcome.timings.connect = max(0, clock.elapsed - outcome.timings.dns)
            if let send {
                try socket.send(send)
                outcome.sent = send
            }
            if reads { try read(from: socket, into: &outcome, clock: clock) }
        } catch {
            outcome.error = error
        }
        outcome.timings.total = clock.elapsed
        if outcome.timings.firstByte > 0 { outcome.timings.transfer = outcome.timings.total - outcome.timings.firstByte }
        return outcome
    }

    /// The first address that accepts; a refusal moves on to the next, other errors end the step.
    static func connect(_ addresses: [ProbeAddress], deadline: ContinuousClock.Instant, timeout: Duration, cancel: ProbeCancel) throws(TransferError) -> ProbeSocket {
        var refusal: TransferError?
        for address in addresses {
            let socket = try ProbeSocket(for: address, type: Int32(SOCK_STREAM.rawValue), deadline: deadline, timeout: timeout, cancel: cancel)
            do {
                try socket.connect(to: address)
                return socket
            } catch where error.kind == .connectionRefused {
                refusal = error
            }
        }
        throw refusal ?? TransferError(kind: .connectionRefused, code: 0, message: "no address to connect to")
    }

    private func read(from socket: ProbeSocket, into outcome: inout ProbeOutcome, clock: ProbeClock) throws(TransferError) {
        let limit = readBytes ?? Self.lineLimit
        var banner: [UInt8] = []
        outcome.received = banner
        while banner.count < limit {
            let chunk = try socket.receive(upTo: limit - banner.count, doing: "reading from \(socket.peer) (\(banner.count) of \(readBytes.map { "\($0) bytes" } ?? "a line") read)")
            if chunk.isEmpty { break }  // the server closed: the banner is what came
            if banner.isEmpty { outcome.timings.firstByte = clock.elapsed }
            banner += chunk
            outcome.received = banner
            if readBytes == nil, let newline = banner.firstIndex(of: UInt8(ascii: "\n")) {
                outcome.received = Array(banner[...newline])
                break
            }
        }
    }
}
