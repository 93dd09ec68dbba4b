import CurlEngine
import Foundation

/// The facts about one response that assertions and captures read.
public struct ResponseFacts: Sendable {
    public var status: Int
    /// Headers of the final response, in the order received.
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The body parsed as JSON by the runner; nil when the body is not JSON (or is empty).
    public var bodyJSON: JSONValue?
    /// Why the body could not be read as JSON, when the reason is about its shape rather than
    /// its content (nesting too deep); quoted in "the body is not JSON: …".
    public var bodyJSONProblem: String?
    /// Total time of the request, in milliseconds.
    public var durationMs: Double
    public var timings: Timings
    public var redirects: Int
    /// "1.1", "2", ...: the response's HTTP version without "HTTP/"; "" when unknown.
    public var httpVersion = ""
    /// The leaf certificate's notAfter; nil for plain http or a reused connection.
    public var certificateNotAfter: Date?
    /// The TLS handshake's chain, protocol and cipher, for the other `certificate` queries.
    public var tls: TLSInfo?
    /// The reference time for `certificate.expiresIn`.
    public var now: Date
    /// What each XPath of the step gave, from one parse of the body (see `evaluateXPaths`).
    public var xpathOutcomes: [String: XPathOutcome] = [:]
    /// Masks the secrets and credentials of this exchange in every value a message quotes.
    public var redactor = Redactor(secrets: [])
    /// `tcp` steps: the bytes read, as text (nil when the step read nothing).
    public var banner: String?
    /// `dns` steps: the data of the answer records of the asked type.
    public var answers: [String]?
    /// `dns` steps: the reply's RCODE by name.
    public var rcode: String?
    /// `browser` steps: what the page showed once the actions were done.
    public var page: PageFacts?
    /// `cookies: true`: the run's jar after the step, name to value; nil without a jar.
    public var cookies: [String: String]?

    /// The body JSON is passed in already parsed, so evaluation stays a pure function of values
    /// and the body is parsed once per response, however many assertions read it.
    public init(
        status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], bodyJSON: JSONValue?,
        durationMs: Double = 0, timings: Timings = Timings(), redirects: Int = 0,
        certificateNotAfter: Date? = nil, now: Date = Date()
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyJSON = bodyJSON
        self.durationMs = durationMs
        self.timings = timings
        self.redirects = redirects
        self.certificateNotAfter = certificateNotAfter
        self.now = now
    }

    /// The facts of a response from the engine; its total time is the request's duration.
    public init(response: HTTPResponse, bodyJSON: JSONValue?, now: Date = Date()) {
        self.init(
            status: response.statusCode, headers: response.headers, body: response.body, bodyJSON: bodyJSON,
            durationMs: response.timings.total, timings: response.timings, redirects: response.redirectCount,
            certificateNotAfter: response.certificate?.notAfter, now: now)
        tls = response.tls
        httpVersion = response.httpVersion.hasPrefix("HTTP/") ? String(response.httpVersion.dropFirst(5)) : response.httpVersion
    }

    /// The body parsed as JSON, or nil with the reason when it is too deeply nested to read
    /// (the parser stops at `JSON5.maximumDepth` levels instead of exhausting the stack). Other
    /// syntax errors give no reason: their text would quote the body.
    public static func parseJSON(_ body: [UInt8]) -> (value: JSONValue?, problem: String?) {
        do {
            return (try JSON5.parseJSON(body), nil)
        } catch {
            let tooDeep = error.message.contains("nested more than")
            return (nil, tooDeep ? "\(error.message) (line \(error.line), column \(error.column))" : nil)
        }
    }

    /// Evaluates every expression on the body (XML or HTML by Content-Type), parsing it once.
    public mutating func evaluateXPaths(_ expressions: [String]) {
        guard !expressions.isEmpty else { return }
        xpathOutcomes = XPathEvaluator.evaluate(expressions, body: body, contentType: headerValue("Content-Type"))
    }

    /// Why a `json` query has nothing to read.
    var notJSONReason: String {
        "the body is not JSON" + (bodyJSONProblem.map { ": \($0)" } ?? "")
    }

    /// The body as text; invalid UTF-8 becomes U+FFFD rather than failing the whole assertion.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The values of every header named `name` (case-insensitive), joined with ", " as HTTP
    /// allows; nil when the response has no such header.
    public func headerValue(_ name: String) -> String? {
        let values = headers.values(named: name)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// The value a query reads, or nil with the reason there is none ("no such header").
    func value(of query: Query) -> (value: JSONValue?, missingReason: String) {
        switch query {
        case .status: return (.number(Double(status)), "")
        case .header(let name): return (headerValue(name).map(JSONValue.string), "no such header in the response")
        case .cookie(let name): return (cookies?[name].map(JSONValue.string), "no such cookie in the jar")
        case .body: return (.string(bodyText), "")
        case .json(let path):
            guard let json = bodyJSON else { return (nil, notJSONReason) }
            return (JSONPathEvaluator.query(path, in: json), "path selected no value")
        case .duration: return (.number(durationMs), "")
        case .timing(let phase): return (.number(timings.milliseconds(of: phase)), "")
        case .size: return (.number(Double(body.count)), "")
        case .redirects: return (.number(Double(redirects)), "")
        case .httpVersion: return (httpVersion.isEmpty ? nil : .string(httpVersion), "libcurl did not report the HTTP version")
        case .jsonSchema:
            return (nil, "a schema is not a value")
        case .xpath(let expression):
            guard let outcome = xpathOutcomes[expression] else { return (nil, "the XPath was not evaluated") }
            return (outcome.value, outcome.missingReason)
        case .banner: return (banner.map(JSONValue.string), "nothing was read")
        case .answers: return (answers.map { .array($0.map(JSONValue.string)) }, "no reply was read")
        case .rcode: return (rcode.map(JSONValue.string), "no reply was read")
        case .page, .text, .visible, .evaluate:
            guard let page else { return (nil, "no page was loaded") }
            return page.value(of: query)
        case .certificate(let fact):
            return (certificateValue(fact), "no certificate was received: plain http, or a reused connection")
        }
    }

    /// One fact of the handshake; nil without one (plain http). Durations in milliseconds.
    private func certificateValue(_ fact: Query.CertificateFact) -> JSONValue? {
        func milliseconds(_ interval: TimeInterval?) -> JSONValue? { interval.map { .number($0 * 1000) } }
        if fact == .expiresIn { return milliseconds(certificateNotAfter?.timeIntervalSince(now)) }
        guard let tls, let leaf = tls.leaf else { return nil }
        switch fact {
        case .expiresIn: return nil
        case .validFor: return milliseconds(leaf.notBefore.map { now.timeIntervalSince($0) })
        case .chainExpiresIn: return milliseconds(tls.chainNotAfter?.timeIntervalSince(now))
        case .issuer: return .string(leaf.issuer)
        case .subject: return .string(leaf.subject)
        case .subjectAltNames: return .array(leaf.subjectAltNames.map(JSONValue.string))
        case .protocol: return tls.protocolVersion.isEmpty ? nil : .string(tls.protocolVersion)
        case .cipher: return tls.cipher.isEmpty ? nil : .string(tls.cipher)
        }
    }
}

extension Timings {
    /// Waiting for the first byte once the connection was ready: time to first byte less dns,
    /// connect and tls (clipped at 0: libcurl's timestamps can overlap); without a first byte (a
    /// timeout), the time waited for one. With those three and `transfer`, the lengths that add
    /// up to `total`.
    public var wait: Double { max(0, (firstByte > 0 ? firstByte : total - transfer) - dns - connect - tls) }

    /// One phase by name, in milliseconds.
    public func milliseconds(of phase: Query.Phase) -> Double {
        switch phase {
        case .dns: return dns
        case .connect: return connect
        case .tls: return tls
        case .firstByte: return firstByte
        case .transfer: return transfer
        case .total: return total
        }
    }
}
