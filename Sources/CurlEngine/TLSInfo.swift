import Foundation

/// What the TLS handshake of an https transfer showed: the certificates the server sent (leaf
/// first) and the protocol version and cipher agreed. Served from the session's cache on a
/// reused connection, since libcurl reports them only for the transfer that did the handshake.
public struct TLSInfo: Sendable, Hashable, Codable {
    /// Every certificate the server sent, leaf first (the root is usually not sent).
    public var chain: [CertificateInfo]
    /// "TLSv1.3", "TLSv1.2", ...; "" when libcurl did not say.
    public var protocolVersion: String
    /// The cipher suite in OpenSSL's naming ("TLS_AES_256_GCM_SHA384"); "" when libcurl did not say.
    public var cipher: String
    public init(chain: [CertificateInfo], protocolVersion: String = "", cipher: String = "") {
        self.chain = chain
        self.protocolVersion = protocolVersion
        self.cipher = cipher
    }

    /// The server's own certificate.
    public var leaf: CertificateInfo? { chain.first }

    /// The earliest notAfter of the certificates sent: when the chain stops verifying.
    public var chainNotAfter: Date? { chain.map(\.notAfter).min() }
}

/// Reads libcurl's informational lines (CURLINFO_TEXT, seen with CURLOPT_VERBOSE) for what the
/// handshake agreed: OpenSSL's backend says `SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384`.
struct HandshakeNotes {
    var protocolVersion = ""
    var cipher = ""
    /// The server sent a CertificateRequest: it asks the client for a certificate.
    var clientCertificateRequested = false

    mutating func read(_ line: String) {
        if line.hasPrefix("SSL connection using ") {
            let parts = line.dropFirst("SSL connection using ".count).split(separator: "/", maxSplits: 1)
            protocolVersion = parts.first.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            cipher = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        } else if line.contains("TLS handshake, Request CERT") {
            clientCertificateRequested = true
        }
    }
}
