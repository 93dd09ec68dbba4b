/// What an assertion or capture looks at in a step's response.
public enum Query: Sendable, Equatable {
    case status
    /// A response header, by case-insensitive name.
    case header(String)
    /// `expect.cookies`: a cookie's value in the run's jar after the step, by exact name.
    case cookie(String)
    /// The body as text.
    case body
    case json(JSONPath)
    /// Total time of the request, in milliseconds.
    case duration
    /// One phase timing, in milliseconds.
    case timing(Phase)
    /// Response body bytes.
    case size
    case redirects
    /// The HTTP version of the final response: "1.0", "1.1", "2", "3".
    case httpVersion
    /// A fact of the TLS handshake: the leaf certificate's dates and names, the chain, the protocol.
    case certificate(CertificateFact)
    /// The body, parsed as JSON, validated against a schema (compiled when the file loaded).
    case jsonSchema(JSONSchema)
    /// An XPath 1.0 expression on the body read as XML or HTML.
    case xpath(String)
    /// `tcp` steps: the bytes read, as text.
    case banner
    /// `dns` steps: the data of each answer record of the asked type, as a list of strings.
    case answers
    /// `dns` steps: the reply's RCODE by name (`NOERROR`, `NXDOMAIN`, …).
    case rcode
    /// `browser` steps: what the page shows once the actions are done.
    case page(PageFact)
    /// `browser` steps: the visible text of the first element matching a CSS selector.
    case text(String)
    /// `browser` steps: whether an element matching the CSS selector is visible.
    case visible(String)
    /// `browser` steps: the value of a JavaScript expression evaluated in the page.
    case evaluate(String)

    /// What a browser step's page showed and did.
    public enum PageFact: String, Sendable, CaseIterable {
        case title, url
        /// `console.errors`: console.error calls and uncaught page errors.
        case consoleErrors = "console.errors"
        /// `network.failed`: requests that failed or got a 4xx or 5xx status.
        case networkFailed = "network.failed"
        /// `vitals.*`: largest contentful paint and interaction to next paint (ms), cumulative layout shift.
        case lcp = "vitals.lcp"
        case cls = "vitals.cls"
        case inp = "vitals.inp"
        /// `timings.domContentLoaded`, `timings.load`: ms from the navigation's start.
        case domContentLoaded = "timings.domContentLoaded"
        case load = "timings.load"

        public var isDuration: Bool { self == .lcp || self == .inp || self == .domContentLoaded || self == .load }
    }

    public enum Phase: String, Sendable, CaseIterable {
        case dns, connect, tls, firstByte, transfer, total
    }

    /// `expect.certificate` keys, as written (`chain.expiresIn` is `chain: {expiresIn: …}`).
    public enum CertificateFact: String, Sendable, CaseIterable {
        /// Milliseconds until the leaf's notAfter.
        case expiresIn
        /// Milliseconds since the leaf's notBefore.
        case validFor
        case issuer, subject
        /// The leaf's subjectAltName entries, an array of names.
        case subjectAltNames
        /// Milliseconds until the earliest notAfter among the certificates the server sent.
        case chainExpiresIn = "chain.expiresIn"
        /// `TLSv1.3`, `TLSv1.2`, ...
        case `protocol`
        case cipher

        public var isDuration: Bool { self == .expiresIn || self == .validFor || self == .chainExpiresIn }
    }

    /// How the query reads in messages and records: `status`, `header Content-Type`, `json $.a`.
    public var label: String {
        switch self {
        case .status: return "status"
        case .header(let name): return "header \(name)"
        case .cookie(let name): return "cookie \(name)"
        case .body: return "body"
        case .json(let path): return "json \(path.source)"
        case .duration: return "duration"
        case .timing(let phase): return "timings.\(phase.rawValue)"
        case .size: return "size"
        case .redirects: return "redirects"
        case .httpVersion: return "httpVersion"
        case .certificate(let fact): return "certificate.\(fact.rawValue)"
        case .jsonSchema: return "jsonSchema"
        case .xpath(let expression): return "xpath \(expression)"
        case .banner: return "banner"
        case .answers: return "answers"
        case .rcode: return "rcode"
        case .page(let fact): return fact.rawValue
        case .text(let selector): return "text \(selector)"
        case .visible(let selector): return "visible \(selector)"
        case .evaluate(let script): return "evaluate \(script)"
        }
    }

    /// Queries whose values are durations: operands are milliseconds, shown with units.
    public var isDuration: Bool {
        switch self {
        case .duration, .timing: return true
        case .certificate(let fact): return fact.isDuration
        case .page(let fact): return fact.isDuration
        default: return false
        }
    }
}

/// One `expect` entry: a query and the predicates that must all hold.
public struct Assertion: Sendable, Equatable {
    public var query: Query
    public var predicates: [Predicate]
    public var location: SourceLocation?
    public init(query: Query, predicates: [Predicate], location: SourceLocation? = nil) {
        self.query = query
        self.predicates = predicates
        self.location = location
    }
}

/// A value taken from a response into a variable for later steps.
public struct Capture: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case json(JSONPath)
        case header(String)
        /// A cookie's value in the run's jar after the step.
        case cookie(String)
        case body
        case status
        case xpath(String)
        /// `tcp` steps: the bytes read, as text.
        case banner
        /// `browser` steps: an element's visible text, or one of its attributes.
        case selector(String, attribute: String?)
        /// `browser` steps: a JavaScript expression's value.
        case evaluate(String)
    }
    public var name: String
    public var source: Source
    /// When set, the first capture group of the first match (or the whole match without groups).
    public var regex: String?
    /// `secret: true`: the captured value is redacted everywhere, like a `{{secret.X}}` (a session
    /// token taken from a login response must not appear in the next step's snapshot).
    public var secret: Bool
    public init(name: String, source: Source, regex: String? = nil, secret: Bool = false) {
        self.name = name
        self.source = source
        self.regex = regex
        self.secret = secret
    }
}
