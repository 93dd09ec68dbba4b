import CurlEngine
import Foundation

/// One tcp, tls or dns step of one attempt: build its probe, run it, check its expectations,
/// take its captures. The record has the same shape as an HTTP step's (status code 0), plus
/// `probe`; the snapshot comes from the `ProbeExchange`.
struct ProbeExecution {
    let step: Step
    /// 1-based.
    let index: Int
    let canary: Canary
    let engine: CurlEngine
    let session: HTTPSession

    func run(builder: ProbeBuilder, interpolator: inout Interpolator) async -> (StepRecord, ProbeExchange?) {
        var record = StepRecord.skipped(step.name)
        record.outcome = .failed
        record.spanId = TraceContext.newSpanId()
        record.start = RunID.iso8601(Date())
        let probe: any Probe
        var assertions: [Assertion] = []
        var warnChecks: [Assertion] = []
        do {
            guard let built = try builder.build(step.kind, with: &interpolator) else { return (record, nil) }
            probe = built
            for assertion in step.assertions { assertions.append(try interpolator.render(assertion)) }
            for check in step.warnings { warnChecks.append(try interpolator.render(check)) }
        } catch let error as ProbeBuildError {
            switch error {
            case .interpolation(let error):
                record.error = "\(canary.file): step '\(step.name)': \(error)"
                record.errorKind = "interpolation"
            case .invalid(let message):
                record.error = "\(canary.file): step '\(step.name)': \(message)"
                record.errorKind = TransferError.Kind.invalidRequest.rawValue
            }
            return (record, nil)
        } catch {
            record.error = "\(canary.file): step '\(step.name)': \(error)"
            record.errorKind = "interpolation"
            return (record, nil)
        }
        let started = Date()
        let outcome = await probe.run(engine: engine, session: session)
        record.timings = outcome.timings.roundedToMicroseconds()
        record.probe = ProbeSummary(step.kind.key, outcome)
        if let certificate = outcome.certificate {
            record.response = ResponseSummary(
                httpVersion: "", size: 0, redirects: 0, effectiveURL: "", primaryIP: outcome.peer ?? "", newConnections: 1,
                certificateNotAfter: RunID.iso8601(certificate.notAfter), tls: outcome.tls.map(TLSRecord.init))
        }
        let exchange = ProbeExchange(step: step.name, index: index, kind: step.kind.key, started: started, outcome: outcome)
        if let error = outcome.error {
            record.error = error.message
            record.errorKind = error.kind.rawValue
            return (record, exchange)
        }
        var facts = ResponseFacts(
            status: 0, bodyJSON: nil, durationMs: outcome.timings.total, timings: outcome.timings,
            certificateNotAfter: outcome.certificate?.notAfter)
        facts.tls = outcome.tls
        facts.banner = outcome.received.map { String(decoding: $0, as: UTF8.self) }
        facts.answers = outcome.answers
        facts.rcode = outcome.reply.map { DNSMessage.rcodeName($0.rcode) }
        facts.redactor = Redactor(secrets: interpolator.secretValues)
        step.check(facts, assertions: assertions, warnings: warnChecks, into: &record, interpolator: &interpolator)
        return (record, exchange)
    }
}

/// What a tcp, tls or dns step sent and found, kept in memory for its snapshot
/// (`01-smtp.tcp`, `.tls`, `.dns`); never written unredacted.
public struct ProbeExchange: Sendable {
    public var step: String
    /// 1-based position of the step in its canary.
    public var index: Int
    /// `tcp`, `tls` or `dns`: the snapshot's extension.
    public var kind: String
    public var started: Date
    public var outcome: ProbeOutcome
}

/// A tcp, tls or dns step in the record: what it probed, and for dns what came back.
public struct ProbeSummary: Sendable, Codable, Equatable {
    /// `tcp`, `tls` or `dns`.
    public var kind: String
    /// `127.0.0.1:2525`, `localhost:8443 (name localhost)`, `example.com A @127.0.0.1:53`.
    public var target: String
    /// The address connected to or asked.
    public var address: String?
    /// tcp: the number of bytes read.
    public var bytesRead: Int?
    /// dns: the RCODE by name and the answers of the asked type.
    public var rcode: String?
    public var answers: [String]?

    init(_ kind: String, _ outcome: ProbeOutcome) {
        self.kind = kind
        target = outcome.target
        address = outcome.peer
        bytesRead = outcome.received?.count
        rcode = outcome.reply.map { DNSMessage.rcodeName($0.rcode) }
        answers = outcome.answers
    }
}
