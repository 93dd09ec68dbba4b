import CCurl
import CCurlShim

/// Turning a finished easy handle into an `HTTPResponse` or a `TransferError`.
extension EasyTransfer {
    func outcome(code: CURLcode, session: Session?) -> Result<HTTPResponse, TransferError> {
        guard code == CURLE_OK else { return .failure(error(code: code)) }
        // Through a forward proxy, a 407 is the proxy's answer, never the server's.
        if let shown = proxy.display, handle.long(CURLINFO_RESPONSE_CODE) == 407 {
            return .failure(TransferError(
                kind: .proxy, code: 0, message: "proxy \(shown): it wants credentials (407): check the user and password in the proxy URL",
                timings: timings()))
        }
        let effectiveURL = handle.string(CURLINFO_EFFECTIVE_URL)
        let collectedBody = body
        body = []  // hand the buffer over without copying it
        let tls = tlsInfo(effectiveURL: effectiveURL, session: session)
        var response = HTTPResponse(
            statusCode: handle.long(CURLINFO_RESPONSE_CODE),
            httpVersion: Self.versionName(handle.long(CURLINFO_HTTP_VERSION)),
            reason: Self.reasonPhrase(statusLine: statusLine),
            headers: responseHeaders,
            body: collectedBody,
            redirectCount: handle.long(CURLINFO_REDIRECT_COUNT),
            effectiveURL: effectiveURL,
            primaryIP: handle.string(CURLINFO_PRIMARY_IP),
            newConnections: handle.long(CURLINFO_NUM_CONNECTS),
            timings: timings(),
            certificate: tls?.leaf,
            requestHeaderBlock: String(decoding: requestHeaderBytes, as: UTF8.self))
        response.hops = hops
        response.tls = tls
        response.clientCertificateRequested = handshake.clientCertificateRequested
        if usesCookies { response.cookieJar = handle.cookieLines() }
        return .success(response)
    }

    func error(code: CURLcode) -> TransferError {
        if let refusedRedirect, code == CURLE_WRITE_ERROR {
            return TransferError(kind: .insecureRedirect, code: Int(code.rawValue), message: refusedRedirect, timings: timings())
        }
        if exceededMaxBody && code == CURLE_WRITE_ERROR {
            let message = "response body exceeds the limit of \(maxBodyBytes) bytes"
            return TransferError(kind: .bodyTooLarge, code: Int(code.rawValue), message: message, timings: timings())
        }
        let number = Int(code.rawValue)
        let message = handle.errorMessage(for: code)
        let osErrno = Int32(truncatingIfNeeded: handle.long(CURLINFO_OS_ERRNO))
        if let resource = LocalResourceError(code: number, osErrno: osErrno != 0 ? osErrno : socketErrno) {
            return TransferError(kind: .localResource, code: number, message: resource.explain(message), timings: timings())
        }
        // 58 (CURLE_SSL_CERTPROBLEM) is our own certificate, not the server's: the canary's
        // `clientCertificate` is at fault, so the request is, never the target.
        if code == CURLE_SSL_CERTPROBLEM, let client = clientCertificate {
            let files = client.key.map { "cert \(client.cert), key \($0)" } ?? "cert \(client.cert)"
            let hint = client.password == nil
                ? "check that the files are PEM and that the key belongs to the certificate (an encrypted key needs a 'password')"
                : "check the 'password' of the key, and that the key belongs to the certificate"
            return TransferError(
                kind: .invalidRequest, code: number,
                message: "the canary's client certificate could not be used (\(files)): \(hint) (libcurl: \(message))", timings: timings())
        }
        // libcurl names "localhost port 80" when it could not connect to a unix socket.
        if code == CURLE_COULDNT_CONNECT, let socket = unixSocket {
            return TransferError(
                kind: .connectionRefused, code: number,
                message: "could not connect to the unix socket \(socket): nothing listens there, or no permission (libcurl: \(message))", timings: timings())
        }
        if let failure = proxyFailure(code: number, message: message) {
            return TransferError(kind: .proxy, code: number, message: failure, timings: timings())
        }
        return TransferError(
            kind: classify(code: number, message: message), code: number,
            message: explain(code: number, message: message), timings: timings())
    }

    /// A failure of the way through the proxy rather than of the server: the proxy's name did not
    /// resolve (5), nothing answered at its address (7: with a proxy, libcurl connects only to the
    /// proxy), it refused the SOCKS handshake or could not reach the server for us (97), or it
    /// answered a CONNECT with an error such as 407 (56). The message says "proxy" first.
    private func proxyFailure(code: Int, message: String) -> String? {
        guard let shown = proxy.display else { return nil }
        let tunnel = code == 56 && message.contains("CONNECT tunnel failed")
        let direct = code == 5 || code == 97 || tunnel
        // From the environment, a failed connect may have gone direct (NO_PROXY, or no variable set).
        guard direct || (code == 7 && proxy != .environment && !message.lowercased().contains("timed out")) else { return nil }
        let what: String
        switch code {
        case 5: what = "its name did not resolve"
        case 7: what = "it could not be reached"
        case 97: what = "it refused the request or could not reach the server"
        default: what = message.contains(" 407") ? "it wants credentials (407): check the user and password in the proxy URL" : "it refused the tunnel"
        }
        let source = proxy == .environment ? " (from the environment)" : ""
        return "proxy \(shown)\(source): \(what) (libcurl: \(message))"
    }

    func cancellationError() -> TransferError {
        let timings = interruptedTimings()
        let message = "cancelled after \(Int(timings.total.rounded())) ms"
        return TransferError(kind: .cancelled, code: 0, message: message, timings: timings)
    }

    /// Timings of a transfer stopped from outside (cancelled, engine shut down). libcurl updates
    /// its total only when the transfer makes progress, so against a server that stays silent it
    /// would still show the last update (200 ms into a 1 s hang); our own clock gives the total.
    func interruptedTimings() -> Timings {
        var timings = timings()
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        timings.total = max(timings.total, Double(seconds) * 1000 + Double(attoseconds) / 1e15)
        return timings
    }

    /// Phase lengths from libcurl's cumulative timestamps; every value is at least 0.
    /// `transfer` is 0 when no response byte arrived (so `firstByte` is 0 too).
    func timings() -> Timings {
        let nameLookup = handle.milliseconds(CURLINFO_NAMELOOKUP_TIME_T)
        let connect = handle.milliseconds(CURLINFO_CONNECT_TIME_T)
        let appConnect = handle.milliseconds(CURLINFO_APPCONNECT_TIME_T)
        let startTransfer = handle.milliseconds(CURLINFO_STARTTRANSFER_TIME_T)
        let total = handle.milliseconds(CURLINFO_TOTAL_TIME_T)
        return Timings(
            dns: max(0, nameLookup),
            connect: max(0, connect - nameLookup),
            tls: appConnect > 0 ? max(0, appConnect - connect) : 0,
            firstByte: max(0, startTransfer),
            transfer: startTransfer > 0 ? max(0, total - startTransfer) : 0,
            total: max(0, total))
    }

    /// The handshake's certificates, protocol and cipher, remembered per origin in the session
    /// because libcurl only reports them for the transfer whose connection did the handshake.
    private func tlsInfo(effectiveURL: String, session: Session?) -> TLSInfo? {
        guard let origin = Self.tlsOrigin(of: effectiveURL) else { return nil }
        var info: UnsafeMutablePointer<curl_certinfo>?
        var chain: [CertificateInfo] = []
        if ccurl_easy_getinfo_certinfo(handle.raw, &info) == CURLE_OK, let info, let lists = info.pointee.certinfo {
            for index in 0..<Int(max(0, info.pointee.num_of_certs)) {
                guard let list = lists[index], let certificate = parseCertificate(fields: Self.strings(of: list)) else { break }
                chain.append(certificate)
            }
        }
        guard !chain.isEmpty else { return session?.handshakes[origin] }
        let tls = TLSInfo(chain: chain, protocolVersion: handshake.protocolVersion, cipher: handshake.cipher)
        session?.handshakes[origin] = tls
        return tls
    }

    /// "https://host:port" of an https URL, nil for other schemes.
    static func tlsOrigin(of url: String) -> String? {
        let scheme = "https://"
        guard url.count > scheme.count, url.prefix(scheme.count).lowercased() == scheme else { return nil }
        let rest = url.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authority.split(separator: "@").last ?? authority  // drop user:password@
        return scheme + hostAndPort.lowercased()
    }

    private static func strings(of list: UnsafeMutablePointer<curl_slist>) -> [String] {
        var result: [String] = []
        var node: UnsafeMutablePointer<curl_slist>? = list
        while let current = node {
            if let data = current.pointee.data { result.append(String(cString: data)) }
            node = current.pointee.next
        }
        return result
    }

    static func versionName(_ curlVersion: Int) -> String {
        switch curlVersion {
        case 1: "HTTP/1.0"
        case 2: "HTTP/1.1"
        case 3: "HTTP/2"
        case 30: "HTTP/3"
        default: ""
        }
    }

    /// "HTTP/1.1 404 Not Found" gives "Not Found"; HTTP/2 status lines have none.
    static func reasonPhrase(statusLine: String) -> String {
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        return parts.count == 3 ? String(parts[2]).trimmingHTTPWhitespace() : ""
    }
}
