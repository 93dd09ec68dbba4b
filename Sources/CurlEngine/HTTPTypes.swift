import Foundation

/// One header line, kept in order; names compare case-insensitively where it matters.
public struct HTTPHeader: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// Every value of the headers named `name`, compared case-insensitively as HTTP requires.
    public func values(named name: String) -> [String] {
        filter { HTTPHeader.sameName($0.name, name) }.map(\.value)
    }

    /// The first value of the header named `name` (case-insensitive), if any.
    public func value(named name: String) -> String? {
        first { HTTPHeader.sameName($0.name, name) }?.value
    }
}

extension HTTPHeader {
    /// Whether two header names are equal ignoring case. Header names are ASCII tokens: those
    /// compare byte by byte with ASCII case folded; anything else as Foundation compares it.
    /// `caseInsensitiveCompare` alone bridged every name to NSString: about 2% of a run's CPU
    /// (the HAR and the screenshot check look up Content-Type and Location per exchange).
    public static func sameName(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        let ascii: Bool? = a.withUTF8 { x in
            b.withUTF8 { y -> Bool? in
                guard x.count == y.count else { return (x.allSatisfy { $0 < 0x80 } && y.allSatisfy { $0 < 0x80 }) ? false : nil }
                for index in 0..<x.count {
                    let (p, q) = (x[index], y[index])
                    if p >= 0x80 || q >= 0x80 { return nil }
                    if p != q && lowered(p) != lowered(q) { return false }
                }
                return true
            }
        }
        return ascii ?? (a.caseInsensitiveCompare(b) == .orderedSame)
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

/// Everything the engine needs to perform one HTTP transfer. Already interpolated.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Whole-transfer limit (CURLOPT_TIMEOUT_MS).
    public var timeout: Duration
    public var followRedirects: Bool
    public var maxRedirects: Int
    /// true skips TLS peer and host verification.
    public var insecure: Bool
    /// Extra CA bundle (PEM) to trust, like curl's --cacert; nil uses the system store.
    public var caFile: String?
    /// A response body longer than this fails the transfer with `.bodyTooLarge`.
    public var maxBodyBytes: Int
    /// Names of headers libcurl adds on its own (`Accept`, `Expect`, `Content-Type` of a POST,
    /// `User-Agent` when set) that must not be sent at all, like curl's `-H "Name:"`.
    /// A header in `headers` with an empty value is sent empty (`Name:` with no value).
    public var removedHeaders: [String]
    /// Which redirects may be followed without leaking what the request carries.
    public var redirectPolicy: RedirectPolicy
    /// HTTP version, pinned addresses, IP family, unix socket.
    public var connection = ConnectionOptions()
    /// Connect (and for https, complete the TLS handshake) on a fresh connection, then stop
    /// without sending a request (CURLOPT_CONNECT_ONLY): the `tls` step.
    public var connectOnly = false
    /// `HOST:PORT:CONNECT-HOST:CONNECT-PORT` (CURLOPT_CONNECT_TO): connect there while the URL's
    /// host is the name sent as SNI and verified against the certificate.
    public var connectTo: String?
    /// The run's cookie jar (`cookies: true`) as Netscape cookie-file lines, loaded into the
    /// transfer's own cookie engine (which also carries cookies across its redirect hops); the
    /// jar after the transfer comes back in `HTTPResponse.cookieJar`. nil: no cookie engine.
    public var cookieJar: [String]?

    public init(
        method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        timeout: Duration = .seconds(10), followRedirects: Bool = true, maxRedirects: Int = 10,
        insecure: Bool = false, caFile: String? = nil, maxBodyBytes: Int = 64 << 20,
        removedHeaders: [String] = [], redirectPolicy: RedirectPolicy = RedirectPolicy()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.insecure = insecure
        self.caFile = caFile
        self.maxBodyBytes = maxBodyBytes
        self.removedHeaders = removedHeaders
        self.redirectPolicy = redirectPolicy
    }
}

/// Redirects that would carry a secret somewhere it was not sent, or down from https to http,
/// end the transfer with `.insecureRedirect` instead of being followed. libcurl itself drops
/// Authorization and Cookie (and user-info credentials) when the origin changes; other headers
/// and a 307/308's body it would send on.
public struct RedirectPolicy: Sendable, Equatable {
    /// A header other than Authorization/Cookie carries a secret: stay on the origin.
    public var secretInHeaders: Bool
    /// The body carries a secret: a 307 or 308 (which resend it) stays on the origin.
    public var secretInBody: Bool
    /// Follow https → http (the step's `allowInsecureRedirects: true`).
    public var allowsDowngrade: Bool
    public init(secretInHeaders: Bool = false, secretInBody: Bool = false, allowsDowngrade: Bool = false) {
        self.secretInHeaders = secretInHeaders
        self.secretInBody = secretInBody
        self.allowsDowngrade = allowsDowngrade
    }

    /// Why following a `status` redirect from `current` to `target` is refused; nil to follow it.
    public func refusal(status: Int, from current: String, to target: String) -> String? {
        guard let here = Origin(current), let there = Origin(target) else { return nil }
        if here.scheme == "https" && there.scheme == "http" && !allowsDowngrade {
            return "refused to follow a \(status) redirect from https down to http (\(there.text)): "
                + "the request would go out in clear text; set \"allowInsecureRedirects\": true on the request to follow it"
        }
        guard here != there else { return nil }
        if secretInHeaders || (secretInBody && (status == 307 || status == 308)) {
            let what = secretInHeaders ? "a header holding a secret" : "a body holding a secret"
            return "refused to follow a \(status) redirect from \(here.text) to another origin, \(there.text): "
                + "the request carries \(what), which must not be sent there; point the step at the final URL"
        }
        return nil
    }
}

/// Scheme, host and port of a URL, the unit a secret is scoped to.
struct Origin: Equatable {
    var scheme: String
    var host: String
    var port: Int

    init?(_ url: String) {
        guard let range = url.schemeSeparator else { return nil }
        scheme = url[..<range.lowerBound].lowercased()
        let authority = url[range.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        var port = scheme == "https" ? 443 : 80
        if let colon = hostPort.lastIndex(of: ":"), !hostPort[colon...].contains("]") {
            port = Int(hostPort[hostPort.index(after: colon)...]) ?? port
            hostPort = String(hostPort[..<colon])
        }
        host = hostPort.lowercased()
        self.port = port
    }

    var text: String { "\(scheme)://\(host):\(port)" }
}

/// Phase timings of one transfer in milliseconds, derived from libcurl's cumulative `*_TIME_T`.
/// `dns`, `connect` and `tls` are the lengths of those phases (0 on a reused connection);
/// `firstByte` is from the start to the first response byte; `transfer` is first byte to end.
public struct Timings: Sendable, Hashable, Codable {
    public var dns: Double
    public var connect: Double
    public var tls: Double
    public var firstByte: Double
    public var transfer: Double
    public var total: Double
    public init(dns: Double = 0, connect: Double = 0, tls: Double = 0, firstByte: Double = 0, transfer: Double = 0, total: Double = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.transfer = transfer
        self.total = total
    }
}

/// The leaf certificate of an https transfer (from CURLINFO_CERTINFO).
public struct CertificateInfo: Sendable, Hashable, Codable {
    public var subject: String
    public var issuer: String
    public var notBefore: Date?
    public var notAfter: Date
    /// The names of its subjectAltName extension, without their types (`localhost`, `127.0.0.1`).
    public var subjectAltNames: [String]
    public init(subject: String, issuer: String, notBefore: Date?, notAfter: Date, subjectAltNames: [String] = []) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.subjectAltNames = subjectAltNames
    }
}

/// A redirect that was followed: the request as sent and the 3xx that answered it.
public struct RedirectHop: Sendable {
    /// The URL this hop asked for.
    public var url: String
    public var statusCode: Int
    public var reason: String
    public var headers: [HTTPHeader]
    /// The request headers as libcurl sent them on this hop; its first line is the request line.
    public var requestHeaderBlock: String
    /// The method of the request line (`GET` after a 303, for one).
    public var method: String {
        String(requestHeaderBlock.prefix { $0 != " " && !$0.isNewline })
    }
}

/// What came back. Headers and status are those of the final response after redirects.
public struct HTTPResponse: Sendable {
    /// The redirects followed before it, in order (empty when there were none).
    public var hops: [RedirectHop] = []
    public var statusCode: Int
    /// "HTTP/1.1", "HTTP/2", ...
    public var httpVersion: String
    /// The status line's reason phrase as received ("OK"), possibly empty.
    public var reason: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    public var redirectCount: Int
    public var effectiveURL: String
    public var primaryIP: String
    /// Connections opened for this transfer (0: a connection was reused).
    public var newConnections: Int
    public var timings: Timings
    public var certificate: CertificateInfo?
    /// The TLS handshake's certificates, protocol and cipher, for https (nil for plain http).
    public var tls: TLSInfo?
    /// The server asked for a client certificate during the TLS handshake.
    public var clientCertificateRequested = false
    /// The request headers exactly as libcurl sent them on the final hop (CURLINFO_HEADER_OUT).
    public var requestHeaderBlock: String
    /// The cookie jar after the transfer (Netscape cookie-file lines); nil when the request had none.
    public var cookieJar: [String]?
    public init(
        statusCode: Int, httpVersion: String, reason: String, headers: [HTTPHeader], body: [UInt8],
        redirectCount: Int, effectiveURL: String, primaryIP: String, newConnections: Int,
        timings: Timings, certificate: CertificateInfo?, requestHeaderBlock: String
    ) {
        self.statusCode = statusCode
        self.httpVersion = httpVersion
        self.reason = reason
        self.headers = headers
        self.body = body
        self.redirectCount = redirectCount
        self.effectiveURL = effectiveURL
        self.primaryIP = primaryIP
        self.newConnections = newConnections
        self.timings = timings
        self.certificate = certificate
        self.requestHeaderBlock = requestHeaderBlock
    }
}

/// A transfer that did not produce a response, classified, with libcurl's own message kept.
public struct TransferError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case timeout, connectionRefused, dns, tls, certificate, reset, tooManyRedirects
        case malformedResponse, bodyTooLarge, cancelled, invalidRequest, insecureRedirect, other
        /// The proxy failed (down, refused, wants credentials, could not reach the server): the
        /// way to the target is broken, which says nothing certain about the target.
        case proxy
        /// Our side ran out of something (file descriptors, local ports, buffers, memory): the
        /// target was never asked, so this says nothing about it.
        case localResource
    }
    public var kind: Kind
    /// libcurl's CURLcode (0 when the error is ours).
    public var code: Int
    /// libcurl's error buffer text, or our own explanation.
    public var message: String
    /// Timings up to the failure, when libcurl had any.
    public var timings: Timings
    public init(kind: Kind, code: Int, message: String, timings: Timings = Timings()) {
        self.kind = kind
        self.code = code
        self.message = message
        self.timings = timings
    }
    public var description: String { "\(kind.rawValue): \(message)" }
}

extension String {
    /// Where `://` is, by a scan of the bytes: Foundation's `range(of:)` (NSString underneath)
    /// and the standard library's generic `firstRange(of:)` each cost a few µs, and URLs are
    /// searched for it on every request (`Origin`, credentials in the user-info, proxies).
    public var schemeSeparator: Range<String.Index>? {
        let utf8 = self.utf8
        var index = utf8.startIndex
        var colon = 0
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: ":") {
                colon = 1
            } else if byte == UInt8(ascii: "/"), colon > 0 {
                colon += 1
                if colon == 3 {
                    let end = utf8.index(after: index)
                    return utf8.index(index, offsetBy: -2)..<end
                }
            } else {
                colon = 0
            }
            index = utf8.index(after: index)
        }
        return nil
    }
}
