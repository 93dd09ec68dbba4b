import CurlEngine

/// Turns a tcp, tls or dns step into a `Probe`: fills in its templates, applies the canary's
/// defaults (timeout, insecure) and checks what only the filled-in values can tell (a port).
struct ProbeBuilder {
    let canary: Canary
    let caFile: String?

    func build(_ kind: StepKind, with interpolator: inout Interpolator) throws(ProbeBuildError) -> (any Probe)? {
        do {
            switch kind {
            case .http, .browser:
                return nil
            case .tcp(let tcp):
                return TCPProbe(
                    host: try interpolator.renderLine(tcp.host, field: "tcp 'host'"), port: try port(tcp.port, &interpolator, "tcp"),
                    send: try tcp.send.map { Array(try interpolator.render($0).utf8) }, readBytes: tcp.readBytes,
                    reads: tcp.reads || tcp.readBytes != nil, timeout: tcp.timeout ?? defaultTimeout)
            case .tls(let tls):
                return TLSProbe(
                    host: try interpolator.renderLine(tls.host, field: "tls 'host'"), port: try port(tls.port, &interpolator, "tls"),
                    serverName: try tls.serverName.map { try interpolator.renderLine($0, field: "tls 'serverName'") },
                    timeout: tls.timeout ?? defaultTimeout, insecure: tls.insecure ?? canary.defaults.insecure ?? false, caFile: caFile)
            case .dns(let dns):
                let written = try dns.server.map { try interpolator.renderLine($0, field: "dns 'server'") }
                guard let server = DNSProbe.server(written) else {
                    throw ProbeBuildError.invalid("dns 'server' is '\(written ?? "")', not host:port; write e.g. \"127.0.0.1:53\"")
                }
                return DNSProbe(
                    name: try interpolator.renderLine(dns.name, field: "dns 'name'"), type: dns.type,
                    serverHost: server.host, serverPort: server.port, timeout: dns.timeout ?? defaultTimeout)
            }
        } catch let error as InterpolationError {
            throw .interpolation(error)
        } catch let error as ProbeBuildError {
            throw error
        } catch {
            throw .invalid("\(error)")
        }
    }

    private var defaultTimeout: Duration { canary.defaults.timeout ?? .seconds(10) }

    private func port(_ template: Template, _ interpolator: inout Interpolator, _ kind: String) throws -> Int {
        let text = try interpolator.renderLine(template, field: "\(kind) 'port'")
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ProbeBuildError.invalid("\(kind) 'port' is '\(text)', not a port number from 1 to 65535")
        }
        return port
    }
}

/// Why a probe step could not be built: a placeholder that could not be filled in, or a value
/// that makes no probe.
enum ProbeBuildError: Error {
    case interpolation(InterpolationError)
    case invalid(String)
}
