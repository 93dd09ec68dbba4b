import CCurl
import CCurlShim

/// One request in flight: the options it set on its easy handle, and what the callbacks
/// collect. Its address is the context of every callback and of CURLOPT_PRIVATE, so the loop
/// keeps it alive until the handle has been removed and reset. Loop thread only.
final class EasyTransfer {
    let id: UInt64
    let sessionID: UInt64
    let handle: EasyHandle
    let continuation: TransferContinuation
    private let request: HTTPRequest
    /// When the loop took the submission, just before the handle joins the multi handle.
    let started = ContinuousClock.now

    // Filled by the callbacks in TransferCallbacks.swift.
    var body: [UInt8] = []
    var exceededMaxBody = false
    var responseHeaders: [HTTPHeader] = []
    var statusLine = ""
    var requestHeaderBytes: [UInt8] = []
    /// Set once response headers arrive: the next request headers (a redirect hop) replace
    /// the ones collected so far, so only the final hop's remain.
    var responseStartedSinceRequest = false
    /// errno of a socket() that failed in `openSocket`: libcurl reports that failure as a
    /// refused connection and leaves CURLINFO_OS_ERRNO at 0.
    var socketErrno: Int32 = 0
    /// What libcurl's informational lines said about the TLS handshake.
    var handshake = HandshakeNotes()
    var maxBodyBytes: Int { request.maxBodyBytes }
    var redirectPolicy: RedirectPolicy { request.redirectPolicy }
    var followsRedirects: Bool { request.followRedirects }
    /// Set when a redirect was refused by the request's `RedirectPolicy`; the transfer stops.
    var refusedRedirect: String?
    /// The redirects followed so far, each with the request that got it.
    var hops: [RedirectHop] = []
    var clientCertificate: ClientCertificate? { request.connection.clientCertificate }
    var proxy: ProxySetting { request.connection.proxy }
    var unixSocket: String? { request.connection.unixSocket }
    var usesCookies: Bool { request.cookieJar != nil }

    // Memory libcurl reads during the transfer without copying it.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private var postFields: UnsafeMutableRawBufferPointer?
    private var connectToList: UnsafeMutablePointer<curl_slist>?

    init(submission: Submission, handle: EasyHandle) {
        id = submission.id
        sessionID = submission.session
        continuation = submission.continuation
        request = submission.request
        self.handle = handle
    }

    /// Sets every option for `request`; `ownConnection`: a new connection, closed after this
    /// transfer (see `Session.needsOwnConnection`). Returns the first failing setopt's code.
    func configure(share: UnsafeMutableRawPointer, ownConnection: Bool = false) -> CURLcode {
        var firstFailure = CURLE_OK
        func apply(_ code: CURLcode) {
            if firstFailure == CURLE_OK { firstFailure = code }
        }
        let raw = handle.raw
        let context = Unmanaged.passUnretained(self).toOpaque()
        apply(ccurl_easy_setopt_share(raw, share))
        apply(ccurl_easy_setopt_pointer(raw, CURLOPT_PRIVATE, context))
        apply(ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, handle.errorBuffer))
        apply(ccurl_easy_setopt_write_function(raw, CURLOPT_WRITEFUNCTION, receiveBody))
        apply(ccurl_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, context))
        apply(ccurl_easy_setopt_write_function(raw, CURLOPT_HEADERFUNCTION, receiveHeaderLine))
        apply(ccurl_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, context))
        // DEBUGFUNCTION is the only way to see the request headers as sent; it needs VERBOSE,
        // whose text goes to the callback (which ignores it), never to stderr.
        apply(ccurl_easy_setopt_debug_function(raw, receiveDebugData))
        apply(ccurl_easy_setopt_pointer(raw, CURLOPT_DEBUGDATA, context))
        apply(ccurl_easy_setopt_opensocket_function(raw, openSocket))
        apply(ccurl_easy_setopt_pointer(raw, CURLOPT_OPENSOCKETDATA, context))
        apply(handle.set(CURLOPT_VERBOSE, 1))
        // Signals cannot be used from a multi-threaded process; SIGPIPE is ignored instead.
        apply(handle.set(CURLOPT_NOSIGNAL, 1))
        apply(handle.set(CURLOPT_URL, request.url))
        apply(handle.set(CURLOPT_PROTOCOLS_STR, "http,https"))
        apply(handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        apply(handle.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        apply(handle.set(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0))
        apply(handle.set(CURLOPT_MAXREDIRS, max(0, request.maxRedirects)))
        apply(handle.set(CURLOPT_SSL_VERIFYPEER, request.insecure ? 0 : 1))
        apply(handle.set(CURLOPT_SSL_VERIFYHOST, request.insecure ? 0 : 2))
        if let caFile = request.caFile { apply(handle.set(CURLOPT_CAINFO, caFile)) }
        // "" asks for every encoding this libcurl can decode (gzip, deflate, br, zstd).
        apply(handle.set(CURLOPT_ACCEPT_ENCODING, ""))
        // Also for http URLs: a redirect may lead to https. Costs nothing without TLS.
        apply(handle.set(CURLOPT_CERTINFO, 1))
        apply(configureMethodAndBody())
        apply(configureHeaders())
        apply(configureConnection())
        apply(configureConnectOnly())
        if ownConnection {
            apply(handle.set(CURLOPT_FRESH_CONNECT, 1))
            apply(handle.set(CURLOPT_FORBID_REUSE, 1))
        }
        if let jar = request.cookieJar {
            // "" turns the cookie engine on without reading a file; each line is one cookie.
            handle.usedCookies = true
            apply(handle.set(CURLOPT_COOKIEFILE, ""))
            for line in jar { apply(handle.set(CURLOPT_COOKIELIST, line)) }
        }
        return firstFailure
    }

    private func configureConnection() -> CURLcode {
        let options = request.connection
        var firstFailure = CURLE_OK
        func apply(_ code: CURLcode) { if firstFailure == CURLE_OK { firstFailure = code } }
        if let version = options.curlHTTPVersion { apply(handle.set(CURLOPT_HTTP_VERSION, version)) }
        // libcurl would send an HTTP/2 request over an open HTTP/1.1 connection to the same
        // server (an earlier step's), so a step asking for HTTP/2 opens its own.
        if options.httpVersion == .http2 || options.httpVersion == .http2PriorKnowledge { apply(handle.set(CURLOPT_FRESH_CONNECT, 1)) }
        if let family = options.ipVersion { apply(handle.set(CURLOPT_IPRESOLVE, family == 6 ? Int(CURL_IPRESOLVE_V6) : Int(CURL_IPRESOLVE_V4))) }
        for entry in options.resolve {
            guard let appended = curl_slist_append(resolveList, entry) else { return CURLE_OUT_OF_MEMORY }
            resolveList = appended
        }
        if resolveList != nil { apply(ccurl_easy_setopt_slist(handle.raw, CURLOPT_RESOLVE, resolveList)) }
        switch options.proxy {
        case .direct: apply(handle.set(CURLOPT_PROXY, ""))
        case .environment: break
        case .url(let url):
            apply(handle.set(CURLOPT_PROXY, url))
            // An https:// proxy's certificate is checked like the server's, against --cacert too.
            if let caFile = request.caFile { apply(handle.set(CURLOPT_PROXY_CAINFO, caFile)) }
            apply(handle.set(CURLOPT_PROXY_SSL_VERIFYPEER, request.insecure ? 0 : 1))
            apply(handle.set(CURLOPT_PROXY_SSL_VERIFYHOST, request.insecure ? 0 : 2))
        }
        if let socket = options.unixSocket { apply(handle.set(CURLOPT_UNIX_SOCKET_PATH, socket)) }
        if let client = options.clientCertificate {
            // libcurl copies these strings (CURLOPT_SSLCERT and the others are copied on set).
            apply(handle.set(CURLOPT_SSLCERT, client.cert))
            apply(handle.set(CURLOPT_SSLCERTTYPE, "PEM"))
            if let key = client.key {
                apply(handle.set(CURLOPT_SSLKEY, key))
                apply(handle.set(CURLOPT_SSLKEYTYPE, "PEM"))
            }
            // Always set: without one, OpenSSL asks for an encrypted key's password on the
            // terminal and the transfer would wait there; "" makes it fail with a message instead.
            apply(handle.set(CURLOPT_KEYPASSWD, client.password ?? ""))
        }
        return firstFailure
    }

    private func configureMethodAndBody() -> CURLcode {
        let method = request.method
        if method == "HEAD" { return handle.set(CURLOPT_NOBODY, 1) }
        if method == "GET" && request.body == nil { return CURLE_OK }
        if method == "POST" || request.body != nil {
            let body = request.body ?? []
            // Our own copy, owned by this transfer, so libcurl need not copy it again.
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, body.count), alignment: 1)
            copy.copyBytes(from: body)
            postFields = copy
            let sizeCode = ccurl_easy_setopt_off_t(handle.raw, CURLOPT_POSTFIELDSIZE_LARGE, body.count)
            if sizeCode != CURLE_OK { return sizeCode }
            let fieldsCode = ccurl_easy_setopt_pointer(handle.raw, CURLOPT_POSTFIELDS, copy.baseAddress)
            if fieldsCode != CURLE_OK { return fieldsCode }
        }
        return method == "POST" ? CURLE_OK : handle.set(CURLOPT_CUSTOMREQUEST, method)
    }

    /// "Name: value" adds or replaces; "Name;" sends an empty value; "Name:" removes one of
    /// libcurl's own headers (CURLOPT_HTTPHEADER conventions).
    private func configureHeaders() -> CURLcode {
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        lines += request.removedHeaders.map { "\($0):" }
        guard !lines.isEmpty else { return CURLE_OK }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else { return CURLE_OUT_OF_MEMORY }
            headerList = appended
        }
        return ccurl_easy_setopt_slist(handle.raw, CURLOPT_HTTPHEADER, headerList)
    }

    /// A `tls` step's handshake: a connection of its own, closed once done.
    private func configureConnectOnly() -> CURLcode {
        if let connectTo = request.connectTo {
            guard let list = curl_slist_append(nil, connectTo) else { return CURLE_OUT_OF_MEMORY }
            connectToList = list
            let code = ccurl_easy_setopt_slist(handle.raw, CURLOPT_CONNECT_TO, list)
            if code != CURLE_OK { return code }
        }
        guard request.connectOnly else { return CURLE_OK }
        for option in [CURLOPT_CONNECT_ONLY, CURLOPT_FRESH_CONNECT, CURLOPT_FORBID_REUSE] {
            let code = handle.set(option, 1)
            if code != CURLE_OK { return code }
        }
        return CURLE_OK
    }

    /// Frees what libcurl read during the transfer. Only after the handle was reset.
    func releaseRequestResources() {
        curl_slist_free_all(connectToList)
        connectToList = nil
        curl_slist_free_all(headerList)
        headerList = nil
        curl_slist_free_all(resolveList)
        resolveList = nil
        postFields?.deallocate()
        postFields = nil
    }

    /// CURLOPT_TIMEOUT_MS treats 0 as "no timeout", so a zero duration becomes 1 ms.
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64(Int.max / 2000) else { return Int.max / 2 }
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

@available(*, unavailable)
extension EasyTransfer: Sendable {}
