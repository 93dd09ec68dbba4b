/// What an assertion or capture looks at in a step's response.
public enum Query: Sendable, Equatable {
    case status
    /// A response header, by case-insensitive name.
    case header(String)
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
        case .body: return "body"
        case .json(let path): return "json \(path.source)"
        case .duration: return "duration"
        case .timing(let phase): return "timings.\(phase.rawValue)"
        case .size: return "size"
        case .redirects: return "redirects"
        case .certificate(let fact): return "certificate.\(fact.rawValue)"
        case .jsonSchema: return "jsonSchema"
        case .xpath(let expression): return "xpath \(expression)"
        case .banner: return "banner"
        case .answers: return "answers"
        case .rcode: return "rcode"
        }
    }

    /// Queries whose values are durations: operands are milliseconds, shown with units.
    public var isDuration: Bool {
        switch self {
        case .duration, .timing: return true
        case .certificate(let fact): return fact.isDuration
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
        case body
        case status
        case xpath(String)
        /// `tcp` steps: the bytes read, as text.
        case banner
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
