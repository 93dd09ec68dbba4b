import CCurl
import CCurlShim

/// The loop thread's side of an `HTTPSession`: a share handle holding the session's
/// connection cache, DNS cache and TLS sessions, plus leaf certificates seen per origin.
final class Session {
    var activeTransfers = 0
    var isClosing = false
    /// TLS handshake facts by origin ("https://host:port"): libcurl reports certificates only for
    /// the transfer that did the handshake, so reused connections are served from here.
    var handshakes: [String: TLSInfo] = [:]
    private var share: UnsafeMutableRawPointer?

    /// Created on first use, so sessions that never transfer cost nothing in libcurl.
    /// No lock callbacks: only the loop thread ever touches the share.
    func shareHandle() -> UnsafeMutableRawPointer? {
        if let share { return share }
        guard let created = curl_share_init() else { return nil }
        for data in [CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION] {
            _ = ccurl_share_setopt_lock_data(created, CURLSHOPT_SHARE, data)
        }
        share = created
        return created
    }

    /// Closes the session's idle connections. Only called when no handle uses the share.
    func destroy() {
        if let share { curl_share_cleanup(share) }
        share = nil
        handshakes.removeAll()
    }
}

@available(*, unavailable)
extension Session: Sendable {}
