import CurlEngine
import Foundation

/// A tcp, tls or dns probe with its templates filled in: blackbox_exporter's `prober/` shape,
/// one file per protocol behind this one signature. (HTTP steps go through `StepExecution`'s
/// request path, which has redirects, bodies and the HAR.)
protocol Probe: Sendable {
    /// `127.0.0.1:2525`, `localhost:8443 (name localhost)`, `example.com A @127.0.0.1:53`.
    var target: String { get }
    func run(engine: CurlEngine, session: HTTPSession) async -> ProbeOutcome
}

/// What one probe found: canary-owned timings, the facts its checks read, a typed error when it
/// failed, and what its snapshot shows.
public struct ProbeOutcome: Sendable {
    public var target: String
    /// The address actually used (`127.0.0.1:2525`), when one was.
    public var peer: String?
    public var timings = Timings()
    public var error: TransferError?
    /// tcp: the bytes sent and the bytes read (nil: the step read nothing).
    public var sent: [UInt8]?
    public var received: [UInt8]?
    /// dns: the reply, and the transport that brought it (`udp`, or `tcp` after a truncated reply).
    public var reply: DNSMessage.Reply?
    public var asked: DNSRecordType?
    public var transport: String?
    /// tls: the leaf certificate, and the handshake (chain, protocol, cipher).
    public var certificate: CertificateInfo?
    public var tls: TLSInfo?

    init(target: String) {
        self.target = target
    }

    /// The answers `expect.answers` reads: the data of each answer record of the asked type.
    var answers: [String]? {
        guard let reply, let asked else { return nil }
        return reply.answers.filter { $0.type == asked.code }.map(\.data)
    }
}

/// Milliseconds since a probe began, on the monotonic clock.
struct ProbeClock {
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    init() { start = clock.now }
    var elapsed: Double { (clock.now - start).milliseconds }
}
