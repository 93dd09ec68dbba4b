/// One exchange of a stored run as its HAR 1.2 entry holds it: the fields canary writes into
/// `run.har` (see `HAR`), already redacted when they reached disk. `canary show` and
/// `canary diff` read these; encoding one gives the entry back.
public struct StoredExchange: Sendable, Codable, Equatable {
    /// The page of the attempt it belongs to (`attempt-2`); nil in files written before attempts were kept.
    public var pageref: String?
    public var startedDateTime: String
    public var time: Double
    public var request: Request
    public var response: Response
    public var timings: Phases
    public var serverIPAddress: String?
    /// Why the transfer produced no response, when it didn't.
    public var comment: String?
    /// HAR 1.2 requires it; canary writes `{}`. nil in entries of other writers that left it out.
    public var cache: Cache?

    public struct Cache: Sendable, Codable, Equatable {
        public init() {}
    }

    public struct NameValue: Sendable, Codable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct Request: Sendable, Codable, Equatable {
        public var method: String
        public var url: String
        public var httpVersion: String
        public var headers: [NameValue]
        public var postData: PostData?
        /// The whole body's size; `postData.text` may hold only its first bytes.
        public var bodySize: Int?
        /// canary's custom fields (HAR allows a leading underscore): the client certificate's
        /// and key's paths.
        public var _clientCertificate: String? = nil
        public var _clientKey: String? = nil
        /// The proxy's URL without user-info, or `env`.
        public var _proxy: String? = nil
        /// The unix socket the request went to.
        public var _unixSocket: String? = nil
        /// HAR 1.2's: canary writes no cookies (a Cookie header is a header), the URL's query
        /// pairs, and -1 (unknown) for the headers' size.
        public var cookies: [NameValue]? = nil
        public var queryString: [NameValue]? = nil
        public var headersSize: Int? = nil
    }

    public struct PostData: Sendable, Codable, Equatable {
        public var mimeType: String?
        public var text: String?
        /// Says when the text was truncated.
        public var comment: String? = nil
    }

    public struct Response: Sendable, Codable, Equatable {
        /// 0 when no response came.
        public var status: Int
        public var statusText: String
        public var httpVersion: String
        public var headers: [NameValue]
        public var content: Content
        public var redirectURL: String?
        /// HAR 1.2's, as for the request; `bodySize` is the body's bytes as received.
        public var cookies: [NameValue]? = nil
        public var headersSize: Int? = nil
        public var bodySize: Int? = nil
    }

    public struct Content: Sendable, Codable, Equatable {
        /// The whole body's size; `text` holds at most the snapshot cap.
        public var size: Int
        public var mimeType: String?
        public var text: String?
        /// "base64" for a binary body.
        public var encoding: String?
        /// Says when the text was truncated.
        public var comment: String?
    }

    /// HAR phases in milliseconds; `connect` includes `ssl`, -1 means not applicable.
    public struct Phases: Sendable, Codable, Equatable {
        public var blocked: Double?
        public var dns: Double?
        public var connect: Double?
        public var send: Double?
        public var wait: Double?
        public var receive: Double?
        public var ssl: Double?
    }
}

extension StoredExchange.Request {
    /// Whether the recorded body is only the first bytes of what was sent: the writer says so
    /// (`postData.comment`). In entries written before it did, a text shorter than `bodySize`
    /// that holds no mask (a masked secret shortens the text too).
    public var bodyIsCut: Bool {
        guard let post = postData, let text = post.text, !text.isEmpty else { return false }
        if post.comment != nil { return true }
        return (bodySize ?? 0) > text.utf8.count && !text.contains(Redactor.mask)
    }
}

extension StoredExchange.Content {
    /// The body as text when it was stored as text; nil for binary or no body.
    public var bodyText: String? {
        guard encoding == nil, let text, !text.isEmpty else { return nil }
        return text
    }

    /// true when the body was binary (stored base64).
    public var isBinary: Bool { encoding == "base64" }
}

/// A whole `run.har` file: `{"log": {"entries": [...]}}`.
public struct StoredHAR: Sendable, Codable {
    public struct Log: Sendable, Codable {
        public var version: String = "1.2"
        public var creator = Creator()
        public var pages: [Page]? = []
        public var entries: [StoredExchange]
    }

    public struct Creator: Sendable, Codable {
        public var name = "canary"
        public var version = CanaryVersion.number
    }

    /// A HAR page; canary's own files have none, other writers may.
    public struct Page: Sendable, Codable {
        public var id: String?
        public var title: String?
        public var startedDateTime: String?
        public var pageTimings: [String: Double]? = [:]
    }

    public var log: Log

    public init(entries: [StoredExchange], pages: [Page] = []) {
        log = Log(pages: pages, entries: entries)
    }
}
