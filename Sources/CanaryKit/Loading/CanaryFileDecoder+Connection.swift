import CurlEngine
import Foundation

/// `httpVersion`, `resolve`, `ipVersion` and `clientCertificate`, in a request or `defaults`. What this libcurl can't
/// do (HTTP/3 in Debian's build) is refused here, naming the libcurl, rather than failing at
/// every run.
extension CanaryFileDecoder {
    func decodeConnection(_ fields: Fields) -> ConnectionSettings {
        var settings = ConnectionSettings()
        if let value = fields["httpVersion"] { settings.httpVersion = httpVersion(value) }
        if let value = fields["resolve"] { settings.resolve = resolveEntries(value) }
        if let value = fields["ipVersion"] {
            settings.ipVersion = integer(value, for: "'ipVersion'", in: 4...6)
            if let family = settings.ipVersion, family == 5 {
                report("'ipVersion' is 4 or 6, not 5", at: value.location)
                settings.ipVersion = nil
            }
        }
        if let value = fields["clientCertificate"] { settings.clientCertificate = clientCertificate(value) }
        if let value = fields["proxy"] { settings.proxy = proxy(value) }
        return settings
    }

    /// "env", "none", or a URL whose scheme (when its start is written out) libcurl takes as a proxy.
    private func proxy(_ value: LocatedJSON) -> ProxyTemplate? {
        guard let url = template(value, for: "'proxy'") else { return nil }
        if url.source == "env" { return .environment }
        if url.source == "none" { return .direct }
        // The scheme is checked where the URL's start is written out (not "{{proxy}}").
        guard case .literal(let start)? = url.parts.first, url.parts.count == 1 || start.contains(":") else { return .url(url) }
        let lowered = start.lowercased()
        guard let scheme = Self.proxySchemes.first(where: { lowered.hasPrefix($0) }), lowered.count > scheme.count || url.parts.count > 1 else {
            report("'proxy' \"\(Self.excerpt(url.source))\" is not a proxy URL: write \"http://host:port\", \"https://…\", \"socks5h://host:port\" "
                   + "(the name resolved at the proxy) or \"socks5://…\", or \"env\" (HTTPS_PROXY, NO_PROXY… as curl reads them), or \"none\"", at: value.location)
            return nil
        }
        return .url(url)
    }

    static let proxySchemes = ["http://", "https://", "socks5://", "socks5h://"]

    /// PEM paths relative to the canary file; each one known at load time (literal text, or
    /// `--var` values) must be a readable file now, not a failure at every run.
    private func clientCertificate(_ value: LocatedJSON) -> ClientCertificateTemplate? {
        guard let fields = fields(value, in: "'clientCertificate'", allowed: Shapes.clientCertificate.keys) else { return nil }
        guard let certValue = fields["cert"] else {
            report("'clientCertificate' has no 'cert'; add \"cert\": \"certs/client.pem\" (a PEM file, relative to the canary file)", at: value.location)
            return nil
        }
        let folder = LocalPath.parent(of: LocalPath.absolute(file))
        func pemFile(_ value: LocatedJSON, _ key: String) -> Template? {
            guard let path = template(value, for: "'clientCertificate' '\(key)'") else { return nil }
            if let text = knownText(of: path) { checkReadable(LocalPath.absolute(text, against: folder), written: text, key: key, at: value.location) }
            return path
        }
        guard let cert = pemFile(certValue, "cert") else { return nil }
        var client = ClientCertificateTemplate(cert: cert, folder: folder)
        if let keyValue = fields["key"] { client.key = pemFile(keyValue, "key") }
        if let password = fields["password"] { client.password = template(password, for: "'clientCertificate' 'password'") }
        return client
    }

    private func checkReadable(_ path: String, written: String, key: String, at location: SourceLocation) {
        let place = "'clientCertificate' '\(key)' \"\(Self.excerpt(written))\""
        switch FileKind(path) {
        case .missing: report("\(place): no such file (\(path)); paths are relative to the canary file's folder", at: location)
        case .folder: report("\(place) is a folder, not a PEM file (\(path))", at: location)
        case .other(let kind): report("\(place) is a \(kind), not a PEM file (\(path))", at: location)
        case .file:
            if access(path, R_OK) != 0 { report("\(place) can't be read (\(String(cString: strerror(errno)))): \(path)", at: location) }
        }
    }

    private func httpVersion(_ value: LocatedJSON) -> ConnectionOptions.HTTPVersion? {
        guard let text = string(value, for: "'httpVersion'", like: "2") else { return nil }
        let libcurl = LibcurlFeatures.current
        if text == "3" {
            guard !libcurl.http3 else {
                report("'httpVersion' \"3\": \(libcurl.version) has HTTP/3, but canary does not ask for it yet; use \"2\"", at: value.location)
                return nil
            }
            report("'httpVersion' \"3\" (HTTP/3) needs a libcurl built with HTTP/3 (ngtcp2 or quiche); \(libcurl.version) was built without it "
                   + "(curl_version_info lacks HTTP3): use \"2\", or run canary with a libcurl that has HTTP/3 (see the README)", at: value.location)
            return nil
        }
        guard let version = ConnectionOptions.HTTPVersion(rawValue: text) else {
            let choices = ConnectionOptions.HTTPVersion.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            report("unknown 'httpVersion' \"\(Self.excerpt(text))\": use \(choices)", at: value.location)
            return nil
        }
        if version != .http1_1, !libcurl.http2 {
            report("'httpVersion' \"\(text)\" needs a libcurl built with HTTP/2 (nghttp2); \(libcurl.version) was built without it", at: value.location)
            return nil
        }
        return version
    }

    /// `{"api.example.com:443": "127.0.0.1"}` as libcurl's `api.example.com:443:127.0.0.1`.
    private func resolveEntries(_ value: LocatedJSON) -> [String] {
        var entries: [String] = []
        for member in map(value, in: "'resolve'") ?? [] {
            let parts = member.key.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                report("'resolve' key '\(Self.excerpt(member.key))' is not host:port, as in \"api.example.com:443\"", at: member.keyLocation)
                continue
            }
            guard let address = string(member.value, for: "'resolve' '\(Self.excerpt(member.key))'", like: "127.0.0.1") else { continue }
            guard let family = Self.addressFamily(address) else {
                report("'resolve' '\(Self.excerpt(member.key))': '\(Self.excerpt(address))' is not an IP address (write one such as \"127.0.0.1\" or \"::1\")", at: member.value.location)
                continue
            }
            entries.append("\(member.key):" + (family == AF_INET6 ? "[\(address)]" : address))
        }
        return entries
    }

    /// AF_INET or AF_INET6 for a literal address, else nil.
    static func addressFamily(_ text: String) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 { return AF_INET }
        if inet_pton(AF_INET6, text, &buffer) == 1 { return AF_INET6 }
        return nil
    }
}
