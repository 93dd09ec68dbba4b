import CurlEngine
import Foundation

/// `tls`: a TLS handshake through the curl engine on the canary's multi handle
/// (CURLOPT_CONNECT_ONLY on a fresh connection, closed once done), so verification, the CA
/// bundle and the certificate facts are exactly those of an https request.
struct TLSProbe: Probe {
    var host: String
    var port: Int
    /// SNI and the name verified; `host` when nil.
    var serverName: String?
    var timeout: Duration
    var insecure: Bool
    var caFile: String?

    var target: String { "\(host):\(port)" + (serverName.map { " (name \($0))" } ?? "") }

    func run(engine: CurlEngine, session: HTTPSession) async -> ProbeOutcome {
        var outcome = ProbeOutcome(target: target)
        let name = serverName ?? host
        let authority = Self.bracketed(name) + ":\(port)"
        var request = HTTPRequest(url: "https://\(authority)/", timeout: timeout, followRedirects: false, insecure: insecure, caFile: caFile)
        request.connectOnly = true
        if serverName != nil { request.connectTo = "\(Self.bracketed(name)):\(port):\(Self.bracketed(host)):\(port)" }
        do {
            let response = try await engine.perform(request, in: session)
            outcome.timings = response.timings
            outcome.peer = response.primaryIP.isEmpty ? nil : response.primaryIP
            outcome.certificate = response.certificate
            outcome.tls = response.tls
        } catch {
            outcome.timings = error.timings
            outcome.error = error
        }
        return outcome
    }

    /// An IPv6 literal in a URL or a CONNECT_TO entry goes in brackets.
    private static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
