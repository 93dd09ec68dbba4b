import CurlEngine

/// A step's `request` and the canary's `defaults`.
extension CanaryFileDecoder {
    func decodeRequest(_ value: LocatedJSON) -> RequestTemplate? {
        guard let fields = fields(value, in: "'request'", allowed: Shapes.request.keys) else { return nil }
        guard let urlValue = fields["url"] else {
            report("the request has no 'url'; add \"url\": \"https://…\"", at: value.location)
            return nil
        }
        guard let url = template(urlValue, for: "'url'") else { return nil }
        checkURL(url, at: urlValue.location)
        var request = RequestTemplate(url: url)
        if let method = fields["method"].flatMap({ decodeMethod($0) }) { request.method = method }
        if let query = fields["query"] { request.query = pairs(query, in: "'query'") }
        if let headers = fields["headers"] { request.headers = headerPairs(headers, in: "request 'headers'") }
        request.body = decodeBody(fields)
        if let timeout = fields["timeout"] { request.timeout = positiveDuration(timeout, for: "the request 'timeout'") }
        if let follow = fields["followRedirects"] { request.followRedirects = bool(follow, for: "'followRedirects'") }
        if let maximum = fields["maxRedirects"] { request.maxRedirects = integer(maximum, for: "'maxRedirects'", in: 0...100) }
        if let insecure = fields["insecure"] { request.insecure = bool(insecure, for: "'insecure'") }
        if let allow = fields["allowInsecureRedirects"] { request.allowInsecureRedirects = bool(allow, for: "'allowInsecureRedirects'") }
        request.connection = decodeConnection(fields)
        if let socket = fields["unixSocket"], let path = template(socket, for: "'unixSocket'") {
            if case .literal(let start)? = path.parts.first, !start.hasPrefix("/") {
                report("'unixSocket' \"\(Self.excerpt(path.source))\" is not an absolute path: write the socket's whole path, as \"/run/app.sock\"", at: socket.location)
            }
            request.unixSocket = path
        }
        return request
    }

    func decodeDefaults(_ value: LocatedJSON) -> RequestDefaults {
        var defaults = RequestDefaults()
        guard let fields = fields(value, in: "'defaults'", allowed: Shapes.defaults.keys) else { return defaults }
        if let headers = fields["headers"] { defaults.headers = headerPairs(headers, in: "'defaults' 'headers'") }
        if let timeout = fields["timeout"] { defaults.timeout = positiveDuration(timeout, for: "the default 'timeout'") }
        if let follow = fields["followRedirects"] { defaults.followRedirects = bool(follow, for: "'followRedirects'") }
        if let maximum = fields["maxRedirects"] { defaults.maxRedirects = integer(maximum, for: "'maxRedirects'", in: 0...100) }
        if let insecure = fields["insecure"] { defaults.insecure = bool(insecure, for: "'insecure'") }
        if let allow = fields["allowInsecureRedirects"] { defaults.allowInsecureRedirects = bool(allow, for: "'allowInsecureRedirects'") }
        if let trace = fields["trace"] { defaults.trace = decodeTrace(trace) }
        defaults.connection = decodeConnection(fields)
        if let screenshot = fields["screenshot"] { defaultScreenshot = decodeScreenshot(screenshot, base: ScreenshotSettings()) }
        return defaults
    }

    /// At most one of `json`, `body`, `form`.
    private func decodeBody(_ fields: Fields) -> RequestTemplate.Body? {
        let given = fields.keys.filter { ["json", "body", "form"].contains($0) }
        if given.count > 1 {
            report(
                "a request has one body: use only one of 'json', 'body' and 'form' (found \(given.map { "'\($0)'" }.joined(separator: " and ")))",
                at: fields.keyLocation(given[1]))
            return nil
        }
        if let json = fields["json"] {
            checkTemplates(inJSON: json, for: "the 'json' body")
            return .json(json.value)
        }
        if let body = fields["body"] { return template(body, for: "'body'").map { .raw($0) } }
        if let form = fields["form"] { return .form(pairs(form, in: "'form'")) }
        return nil
    }

    /// An HTTP method is a token (RFC 9110); written in upper case.
    private func decodeMethod(_ value: LocatedJSON) -> String? {
        guard let method = string(value, for: "'method'", like: "POST") else { return nil }
        guard Self.isToken(method) else {
            report("'\(Self.excerpt(method))' is not an HTTP method; write GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS", at: value.location)
            return nil
        }
        return method.uppercased()
    }

    /// Ordered name → template pairs; numbers and booleans are accepted as their text.
    func pairs(_ value: LocatedJSON, in what: String) -> [(name: String, value: Template)] {
        pairs(of: map(value, in: what) ?? [], in: what)
    }

    private func pairs(of members: [LocatedJSON.Member], in what: String) -> [(name: String, value: Template)] {
        members.compactMap { member in
            template(member.value, for: "\(what) '\(member.key)'", scalars: true).map { (name: member.key, value: $0) }
        }
    }

    func headerPairs(_ value: LocatedJSON, in what: String) -> [(name: String, value: Template)] {
        let members = map(value, in: what) ?? []
        for member in members where !Self.isToken(member.key) {
            report("'\(Self.excerpt(member.key))' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)", at: member.keyLocation)
        }
        return pairs(of: members.filter { Self.isToken($0.key) }, in: what)
    }

    /// The scheme is checked now as far as the URL's start is known: literal text, and variables
    /// whose values are known (`--var base=host:port` is caught like a literal `host:port`).
    /// Only http and https.
    private func checkURL(_ url: Template, at location: SourceLocation) {
        var prefix = ""
        var complete = true
        var from: [String] = []
        scan: for part in url.parts {
            switch part {
            case .literal(let text):
                prefix += text
            case .variable(let name):
                guard let (value, origin) = knownValue(of: name) else {
                    complete = false
                    break scan
                }
                prefix += value
                from.append("{{\(name)}} is \"\(Self.excerpt(value))\" (\(origin))")
            case .env, .secret:
                complete = false
                break scan
            }
        }
        let lowered = prefix.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return }
        if lowered.hasPrefix("ws://") || lowered.hasPrefix("wss://") {
            let libcurl = LibcurlFeatures.current
            let built = libcurl.protocols.contains("ws") ? "" : ", and \(libcurl.version) was built without WebSockets (no ws in curl_version_info's protocols)"
            report("the url \"\(url.source)\" is a WebSocket URL: canary sends HTTP requests and has no WebSocket steps\(built); "
                   + "probe the service's HTTP endpoint with http:// or https://", at: location)
            return
        }
        if !complete, !prefix.contains(":") { return }
        let values = from.isEmpty ? "" : "; " + from.joined(separator: ", ")
        report("the url \"\(url.source)\" must start with http:// or https:// (or a {{variable}} holding that)\(values)", at: location)
    }

    /// The whole text of `template` when it is literal or its variables are given by `--var`;
    /// nil otherwise (a file's own `variables` are defaults, often replaced where it runs).
    func knownText(of template: Template) -> String? {
        var text = ""
        for part in template.parts {
            switch part {
            case .literal(let literal): text += literal
            case .variable(let name):
                guard !capturedSoFar.contains(name), let value = variableValues[name], !value.contains("{{") else { return nil }
                text += value
            case .env, .secret: return nil
            }
        }
        return text
    }

    /// A variable's value as loading knows it, and where it comes from; nil for captures, for
    /// values with placeholders, and for `--var` names given without their values.
    private func knownValue(of name: String) -> (String, String)? {
        guard !capturedSoFar.contains(name) else { return nil }
        let known: (String, String)?
        if let value = variableValues[name] {
            known = (value, "from --var \(name)")
        } else if definedVariables.contains(name) {
            known = nil
        } else {
            known = fileVariables[name].map { ($0, "from \"variables\"") }
        }
        guard let known, !known.0.contains("{{") else { return nil }
        return known
    }

    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }
}
