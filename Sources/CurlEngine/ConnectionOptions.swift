import CCurl

/// A client certificate for TLS (CURLOPT_SSLCERT, SSLKEY, KEYPASSWD): PEM files, absolute paths.
public struct ClientCertificate: Sendable, Equatable {
    public var cert: String
    /// nil: the key is in the certificate's file.
    public var key: String?
    /// For an encrypted key. Never recorded or printed.
    public var password: String?
    public init(cert: String, key: String? = nil, password: String? = nil) {
        self.cert = cert
        self.key = key
        self.password = password
    }
}

/// Where a request connects first. libcurl reads proxy variables from the environment on its own
/// whenever CURLOPT_PROXY is unset, so `.none` sets it to "" to say no proxy at all.
public enum ProxySetting: Sendable, Equatable {
    /// Straight to the server, whatever the environment says (`proxy: "none"`).
    case direct
    /// As curl does: `http_proxy` for http://, `HTTPS_PROXY`/`https_proxy` for https://, else
    /// `ALL_PROXY`/`all_proxy`; `NO_PROXY`/`no_proxy` lists hosts to reach directly.
    case environment
    /// `http://`, `https://`, `socks5://` or `socks5h://` (the name resolved at the proxy);
    /// credentials as user-info.
    case url(String)

    /// For records and messages: `env`, or the URL with its user-info as `***`.
    public var display: String? {
        switch self {
        case .direct: return nil
        case .environment: return "env"
        case .url(let url): return Self.withoutUserInfo(url)
        }
    }

    /// `socks5h://user:pw@host:1080` → `socks5h://***@host:1080`.
    public static func withoutUserInfo(_ url: String) -> String {
        guard let start = url.schemeSeparator else { return url }
        let rest = url[start.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<start.upperBound]) + "***" + String(rest[at...])
    }
}

/// How a request reaches its server, beyond the URL: the HTTP version, pinned addresses, the
/// IP family, a client certificate, a proxy. The defaults leave libcurl's choices alone, but
/// for the proxy: none unless one is asked for.
public struct ConnectionOptions: Sendable, Equatable {
    /// Which HTTP version to speak.
    public enum HTTPVersion: String, Sendable, CaseIterable {
        /// HTTP/1.1 only, even where the server offers HTTP/2.
        case http1_1 = "1.1"
        /// HTTP/2: over TLS by ALPN, over http:// by an Upgrade; HTTP/1.1 where the server declines.
        case http2 = "2"
        /// HTTP/2 from the first byte, without asking (h2c prior knowledge); fails on an HTTP/1 server.
        case http2PriorKnowledge = "2-prior-knowledge"
    }
    /// nil: libcurl's default (HTTP/2 over TLS where the server offers it, else HTTP/1.1).
    public var httpVersion: HTTPVersion?
    /// `host:port:address` entries, as curl's `--resolve`: that host and port connect to that address.
    public var resolve: [String]
    /// 4 or 6: connect over that IP family only; nil: either.
    public var ipVersion: Int?
    public var clientCertificate: ClientCertificate?
    public var proxy: ProxySetting = .direct
    /// Connect to this unix socket instead of the URL's host and port (CURLOPT_UNIX_SOCKET_PATH).
    public var unixSocket: String?

    public init(httpVersion: HTTPVersion? = nil, resolve: [String] = [], ipVersion: Int? = nil, clientCertificate: ClientCertificate? = nil) {
        self.httpVersion = httpVersion
        self.resolve = resolve
        self.ipVersion = ipVersion
        self.clientCertificate = clientCertificate
    }

    var curlHTTPVersion: Int? {
        switch httpVersion {
        case .none: return nil
        case .http1_1: return CURL_HTTP_VERSION_1_1
        case .http2: return CURL_HTTP_VERSION_2_0
        case .http2PriorKnowledge: return CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
        }
    }
}

/// What the libcurl this process runs with can do (curl_version_info), so a canary file asking for
/// more is refused when it loads instead of failing at every run.
public struct LibcurlFeatures: Sendable {
    /// `libcurl/7.88.1`.
    public var version: String
    public var http2: Bool
    public var http3: Bool
    /// The URL schemes it was built with (`http`, `https`, `ws`, ...).
    public var protocols: [String]

    public static let current: LibcurlFeatures = {
        guard let info = curl_version_info(CURLVERSION_ELEVENTH) else {
            return LibcurlFeatures(version: "libcurl", http2: false, http3: false, protocols: [])
        }
        let features = Int(info.pointee.features)
        var protocols: [String] = []
        var entry = info.pointee.protocols
        while let name = entry?.pointee {
            protocols.append(String(cString: name))
            entry = entry?.advanced(by: 1)
        }
        return LibcurlFeatures(
            version: "libcurl/" + String(cString: info.pointee.version),
            http2: features & Int(CURL_VERSION_HTTP2) != 0, http3: features & Int(CURL_VERSION_HTTP3) != 0, protocols: protocols)
    }()
}
