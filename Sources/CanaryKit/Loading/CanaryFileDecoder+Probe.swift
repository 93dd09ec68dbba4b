/// The `tcp`, `tls` and `dns` step kinds: their objects, and the checks and captures each takes.
extension CanaryFileDecoder {
    /// `readBytes`: at most this many (a banner is a greeting, not a download).
    static let maximumReadBytes = 1 << 20

    /// The checks a step of `kind` (`request`, `tcp`, `tls`, `dns`) may have in `expect`/`warn`.
    static func expectKeys(of kind: String) -> [String] {
        Shapes.expect(of: kind).keys
    }

    private static func kindName(_ kind: String) -> String {
        kind == "request" ? "an HTTP ('request') step" : "a \(kind) step"
    }

    /// `expect` or `warn` of a step of `kind`: a check that belongs to another kind is reported
    /// with the checks this kind has, the rest decoded as usual.
    func decodeChecks(_ value: LocatedJSON, kind: String, section: String) -> [Assertion] {
        let allowed = Self.expectKeys(of: kind)
        guard let members = value.objectMembers else { return decodeExpect(value, allowed: allowed) }
        var kept: [LocatedJSON.Member] = []
        for member in members {
            if !allowed.contains(member.key), let owner = Shapes.stepKinds.first(where: { Self.expectKeys(of: $0).contains(member.key) }) {
                report("'\(member.key)' checks \(Self.kindName(owner)), not \(Self.kindName(kind)); \(Self.kindName(kind))'s '\(section)' takes \(allowed.joined(separator: ", "))", at: member.keyLocation)
            } else {
                kept.append(member)
            }
        }
        return decodeExpect(LocatedJSON(kind: .object(kept), location: value.location), allowed: allowed)
    }

    /// The one kind key of a step (`request`, `tcp`, `tls`, `dns` or `browser`), reported when there are none or several.
    func stepKindKey(_ fields: Fields, at location: SourceLocation) -> String? {
        let given = Shapes.stepKinds.filter(fields.has)
        if given.count > 1 {
            report("a step does one thing: use only one of 'request', 'tcp', 'tls', 'dns' and 'browser' (found \(given.map { "'\($0)'" }.joined(separator: " and "))); make each its own step", at: fields.keyLocation(given[1]))
            return nil
        }
        guard let kind = given.first else {
            report("the step has no 'request' (nor 'tcp', 'tls', 'dns' or 'browser'); add \"request\": {\"url\": \"…\"}, or e.g. \"tcp\": {\"host\": \"…\", \"port\": 25}", at: location)
            return nil
        }
        return kind
    }

    /// A `tcp`, `tls` or `dns` object.
    func decodeProbe(_ key: String, _ value: LocatedJSON) -> StepKind? {
        switch key {
        case "tcp":
            guard let fields = fields(value, in: "'tcp'", allowed: Shapes.tcp.keys),
                  let host = required("host", of: fields, in: "tcp", like: "\"host\": \"mail.example.com\""),
                  let port = port(fields, in: "tcp") else { return nil }
            var tcp = TCPStep(host: host, port: port)
            tcp.send = fields["send"].flatMap { template($0, for: "tcp 'send'") }
            tcp.readBytes = fields["readBytes"].flatMap { integer($0, for: "tcp 'readBytes'", in: 1...Self.maximumReadBytes) }
            tcp.timeout = fields["timeout"].flatMap { positiveDuration($0, for: "the tcp 'timeout'") }
            return .tcp(tcp)
        case "tls":
            guard let fields = fields(value, in: "'tls'", allowed: Shapes.tls.keys),
                  let host = required("host", of: fields, in: "tls", like: "\"host\": \"api.example.com\""),
                  let port = port(fields, in: "tls") else { return nil }
            var tls = TLSStep(host: host, port: port)
            tls.serverName = fields["serverName"].flatMap { template($0, for: "tls 'serverName'") }
            tls.timeout = fields["timeout"].flatMap { positiveDuration($0, for: "the tls 'timeout'") }
            tls.insecure = fields["insecure"].flatMap { bool($0, for: "tls 'insecure'") }
            return .tls(tls)
        default:
            guard let fields = fields(value, in: "'dns'", allowed: Shapes.dns.keys),
                  let name = required("name", of: fields, in: "dns", like: "\"name\": \"example.com\"") else { return nil }
            guard let typeValue = fields["type"] else {
                report("the dns step has no 'type'; add \"type\": \"A\" (one of \(DNSRecordType.allCases.map(\.rawValue).joined(separator: ", ")))", at: value.location)
                return nil
            }
            guard let written = string(typeValue, for: "dns 'type'", like: "A") else { return nil }
            guard let type = DNSRecordType(rawValue: written.uppercased()) else {
                report("dns 'type' '\(Self.excerpt(written))' is not one this step asks for; use one of \(DNSRecordType.allCases.map(\.rawValue).joined(separator: ", "))", at: typeValue.location)
                return nil
            }
            var dns = DNSStep(name: name, type: type)
            if let serverValue = fields["server"], let server = template(serverValue, for: "dns 'server'") {
                if server.variableNames.isEmpty, server.parts.allSatisfy({ if case .literal = $0 { true } else { false } }), DNSProbe.server(server.source) == nil {
                    report("dns 'server' '\(Self.excerpt(server.source))' is not host:port; write e.g. \"127.0.0.1:53\" or \"[::1]:5353\"", at: serverValue.location)
                }
                dns.server = server
            }
            dns.timeout = fields["timeout"].flatMap { positiveDuration($0, for: "the dns 'timeout'") }
            return .dns(dns)
        }
    }

    private func required(_ key: String, of fields: Fields, in kind: String, like example: String) -> Template? {
        guard let value = fields[key] else {
            report("the \(kind) step has no '\(key)'; add \(example)", at: fields.location)
            return nil
        }
        return template(value, for: "\(kind) '\(key)'")
    }

    /// A port: a number from 1 to 65535, or a string with placeholders that gives one at run time.
    private func port(_ fields: Fields, in kind: String) -> Template? {
        guard let value = fields["port"] else {
            report("the \(kind) step has no 'port'; add e.g. \"port\": \(kind == "tcp" ? 25 : 443)", at: fields.location)
            return nil
        }
        if case .number = value.kind {
            return integer(value, for: "\(kind) 'port'", in: 1...65535).map { .literal(String($0)) }
        }
        guard let port = template(value, for: "\(kind) 'port'") else { return nil }
        if port.parts.allSatisfy({ if case .literal = $0 { true } else { false } }), !(Int(port.source).map { (1...65535).contains($0) } ?? false) {
            report("\(kind) 'port' must be a number from 1 to 65535 (or a placeholder that gives one), found \"\(Self.excerpt(port.source))\"", at: value.location)
            return nil
        }
        return port
    }
}
