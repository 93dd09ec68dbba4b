/// What a step does: a closed set, one probe per kind (`Probing/`), all behind the same step
/// runner, retries, timeouts, records and metrics.
public enum StepKind: Sendable {
    /// `request`: an HTTP exchange through the curl engine.
    case http(RequestTemplate)
    /// `tcp`: connect, optionally send, optionally read a banner.
    case tcp(TCPStep)
    /// `tls`: connect and complete a TLS handshake; certificate facts.
    case tls(TLSStep)
    /// `dns`: one query to a name server; answers and rcode.
    case dns(DNSStep)
    /// `browser`: a page in headless Chromium, actions on it, checks of what it shows.
    case browser(BrowserStep)

    /// The key that declares the kind in a canary file, which is also its name in records and
    /// the extension of its snapshot (`.http` for `request`).
    public var key: String {
        switch self {
        case .http: "request"
        case .tcp: "tcp"
        case .tls: "tls"
        case .dns: "dns"
        case .browser: "browser"
        }
    }
}

/// `tcp: {host, port, send?, readBytes?, timeout?}`.
public struct TCPStep: Sendable {
    public var host: Template
    /// A number, or a template that gives one (`"{{smtpPort}}"`).
    public var port: Template
    /// Bytes sent once connected (JSON escapes such as `\r\n` included).
    public var send: Template?
    /// Read until this many bytes (or the server closes); nil: the first line (up to `\n`).
    public var readBytes: Int?
    /// Whether the step reads at all: true when `readBytes` is set or something (`expect.banner`,
    /// a `banner` capture) reads the banner; otherwise the step only connects (and sends).
    public var reads: Bool
    public var timeout: Duration?
    public init(host: Template, port: Template, send: Template? = nil, readBytes: Int? = nil, reads: Bool = false, timeout: Duration? = nil) {
        self.host = host
        self.port = port
        self.send = send
        self.readBytes = readBytes
        self.reads = reads
        self.timeout = timeout
    }
}

/// `tls: {host, port, serverName?, timeout?, insecure?}`.
public struct TLSStep: Sendable {
    public var host: Template
    public var port: Template
    /// The name sent as SNI and verified against the certificate; default `host`.
    public var serverName: Template?
    public var timeout: Duration?
    /// true skips verification (to read the facts of a certificate that would not verify).
    public var insecure: Bool?
    public init(host: Template, port: Template, serverName: Template? = nil, timeout: Duration? = nil, insecure: Bool? = nil) {
        self.host = host
        self.port = port
        self.serverName = serverName
        self.timeout = timeout
        self.insecure = insecure
    }
}

/// `dns: {name, type, server?, timeout?}`.
public struct DNSStep: Sendable {
    public var name: Template
    public var type: DNSRecordType
    /// `host:port` (or `host`, port 53) of the name server; nil: the first `nameserver` of
    /// /etc/resolv.conf.
    public var server: Template?
    public var timeout: Duration?
    public init(name: Template, type: DNSRecordType, server: Template? = nil, timeout: Duration? = nil) {
        self.name = name
        self.type = type
        self.server = server
        self.timeout = timeout
    }
}

extension StepKind {
    /// The templates of a tcp, tls or dns step (none for HTTP, whose request has its own list).
    var probeTemplates: [Template] {
        switch self {
        case .http: []
        case .tcp(let tcp): [tcp.host, tcp.port] + (tcp.send.map { [$0] } ?? [])
        case .tls(let tls): [tls.host, tls.port] + (tls.serverName.map { [$0] } ?? [])
        case .dns(let dns): [dns.name] + (dns.server.map { [$0] } ?? [])
        case .browser(let browser): browser.templates
        }
    }
}
