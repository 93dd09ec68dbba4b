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
    /// The key and password each client certificate (by path) was first used with in this session.
    private var clientCertificates: [String: ClientCertificate] = [:]

    /// Whether a transfer with `client` needs a connection of its own, neither reused nor kept:
    /// libcurl matches a cached connection by the certificate's path alone, so a step with the
    /// same certificate but another key or a wrong password would pass on an earlier step's
    /// connection, its own key never loaded.
    func needsOwnConnection(for client: ClientCertificate?) -> Bool {
        guard let client else { return false }
        guard let first = clientCertificates[client.cert] else {
            clientCertificates[client.cert] = client
            return false
        }
        return first != client
    }

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
        clientCertificates.removeAll()
    }
}

@available(*, unavailable)
extension Session: Sendable {}
