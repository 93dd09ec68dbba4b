import CurlEngine

/// Turns a step's request template into the bytes the engine sends: interpolates every
/// placeholder, merges the canary's defaults, encodes the query and the body.
struct RequestBuilder {
    let canary: Canary
    let caFile: String?
    let maxBodyBytes: Int
    /// `--proxy`: used when neither the step nor the defaults name a proxy. The file wins: its
    /// author knows which way a target must be reached (an internal host directly, or through
    /// one egress), while `--proxy` is the way out for the rest of the fleet.
    var proxy: String? = nil

    func build(_ template: RequestTemplate, with interpolator: inout Interpolator) throws(InterpolationError) -> HTTPRequest {
        var url = try interpolator.renderLine(template.url, field: "the URL")
        if !template.query.isEmpty {
            var pairs: [String] = []
            for (name, value) in template.query {
                let rendered = try interpolator.render(value)
                pairs.append(Self.percentEncode(name) + "=" + Self.percentEncode(rendered))
            }
            url += (url.contains("?") ? "&" : "?") + pairs.joined(separator: "&")
        }
        var headers = try mergedHeaders(template, with: &interpolator)
        Self.setDefault(&headers, "User-Agent", CanaryVersion.userAgent)
        var body: [UInt8]?
        var removed: [String] = []
        switch template.body {
        case .none:
            break
        case .raw(let text):
            body = Array(try interpolator.render(text).utf8)
            // libcurl would label the bytes as a form; a raw body carries only the type it is given.
            if headers.value(named: "Content-Type") == nil { removed.append("Content-Type") }
        case .json(let value):
            body = Array(JSON5.serialize(try interpolator.render(json: value)).utf8)
            Self.setDefault(&headers, "Content-Type", "application/json")
        case .form(let fields):
            var pairs: [String] = []
            for (name, value) in fields {
                pairs.append(Self.percentEncode(name) + "=" + Self.percentEncode(try interpolator.render(value)))
            }
            body = Array(pairs.joined(separator: "&").utf8)
            Self.setDefault(&headers, "Content-Type", "application/x-www-form-urlencoded")
        }
        let defaults = canary.defaults
        let secrets = Redactor(secrets: interpolator.secretValues)
        let policy = RedirectPolicy(
            secretInHeaders: headers.contains { header in
                !Credentials.droppedByLibcurl.contains(header.name.lowercased())
                    && (Credentials.looksLikeCredential(header.name) || secrets.finds(in: Array(header.value.utf8)))
            },
            secretInBody: body.map(secrets.finds(in:)) ?? false,
            allowsDowngrade: template.allowInsecureRedirects ?? defaults.allowInsecureRedirects ?? false)
        var request = HTTPRequest(
            method: template.method, url: url, headers: headers, body: body,
            timeout: template.timeout ?? defaults.timeout ?? .seconds(10),
            followRedirects: template.followRedirects ?? defaults.followRedirects ?? true,
            maxRedirects: template.maxRedirects ?? defaults.maxRedirects ?? 10,
            insecure: template.insecure ?? defaults.insecure ?? false,
            caFile: caFile, maxBodyBytes: maxBodyBytes, removedHeaders: removed, redirectPolicy: policy)
        request.connection = template.connection.options(over: defaults.connection)
        if let socket = template.unixSocket { request.connection.unixSocket = try interpolator.renderLine(socket, field: "'unixSocket'") }
        request.connection.proxy = try proxySetting(template.connection.proxy ?? defaults.connection.proxy, with: &interpolator)
        if let client = template.connection.clientCertificate ?? defaults.connection.clientCertificate {
            request.connection.clientCertificate = try clientCertificate(client, with: &interpolator)
        }
        return request
    }

    private func proxySetting(_ proxy: ProxyTemplate?, with interpolator: inout Interpolator) throws(InterpolationError) -> ProxySetting {
        switch proxy {
        case .direct?: return .direct
        case .environment?: return .environment
        case .url(let template)?: return .url(try interpolator.renderLine(template, field: "'proxy'"))
        case nil:
            guard let flag = self.proxy else { return .direct }
            return flag == "env" ? .environment : flag == "none" ? .direct : .url(flag)
        }
    }

    /// Paths rendered and made absolute against the canary file's folder; the password rendered
    /// and remembered as a secret, so no message or artifact can show it.
    private func clientCertificate(_ client: ClientCertificateTemplate, with interpolator: inout Interpolator) throws(InterpolationError) -> ClientCertificate {
        func path(_ template: Template, _ field: String) throws(InterpolationError) -> String {
            LocalPath.absolute(try interpolator.renderLine(template, field: field), against: client.folder)
        }
        var certificate = ClientCertificate(cert: try path(client.cert, "'clientCertificate' 'cert'"))
        if let key = client.key { certificate.key = try path(key, "'clientCertificate' 'key'") }
        if let password = client.password {
            let text = try interpolator.renderLine(password, field: "'clientCertificate' 'password'")
            interpolator.remember(secrets: [text])
            certificate.password = text
        }
        return certificate
    }

    /// The canary's default headers, overridden (case-insensitively) by the step's own.
    private func mergedHeaders(_ template: RequestTemplate, with interpolator: inout Interpolator) throws(InterpolationError) -> [HTTPHeader] {
        let own = Set(template.headers.map { $0.name.lowercased() })
        var headers: [HTTPHeader] = []
        for (name, value) in canary.defaults.headers where !own.contains(name.lowercased()) {
            headers.append(try header(name, value, with: &interpolator))
        }
        for (name, value) in template.headers {
            headers.append(try header(name, value, with: &interpolator))
        }
        return headers
    }

    /// A header whose name and value stay on one line: a CR or LF would start another header
    /// or another request, a NUL would cut it; a colon in the name would shift the value.
    private func header(_ name: String, _ value: Template, with interpolator: inout Interpolator) throws(InterpolationError) -> HTTPHeader {
        if let character = Interpolator.lineBreakCharacter(in: name) ?? (name.contains(":") ? "colon" : nil) {
            throw .lineBreak(field: "a header name", source: "the canary file's text", character: character)
        }
        return HTTPHeader(name: name, value: try interpolator.renderLine(value, field: "header \(name)"))
    }

    private static func setDefault(_ headers: inout [HTTPHeader], _ name: String, _ value: String) {
        if headers.value(named: name) == nil { headers.append(HTTPHeader(name: name, value: value)) }
    }

    /// RFC 3986 percent-encoding: everything but unreserved characters.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
