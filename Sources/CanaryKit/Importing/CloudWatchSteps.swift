/// HTTP and SSL checks of a multi checks configuration, their authentication, assertions and
/// extractors.
extension CloudWatchReader {
    mutating func http(_ value: JSONValue, members: [(key: String, value: JSONValue)], name: String, place: String) throws(ImportError) {
        guard let url = try text(value["url"], at: place + ".url") else {
            throw ImportError("\(file): \(place)", "an HTTP step needs a \"url\"")
        }
        var step = ImportedStep(name: name, url: url)
        if case .string(let method)? = value["httpMethod"] { step.method = method.uppercased() }
        switch value["timeout"] {
        case .number(let milliseconds)?: step.timeout = "\(Int(milliseconds))ms"
        case .some(let other): canary.notImported.append("\(place).timeout \(JSON5.serialize(other)): a timeout is a number of milliseconds here")
        case nil: break
        }
        if case .number(let wait)? = value["waitTime"], wait > 0 {
            canary.notImported.append("\(place).waitTime: canary sends each step right after the one before")
        }
        var headers: [(name: String, value: String)] = []
        if case .object(let list)? = value["headers"] {
            for header in list {
                guard let text = try text(header.value, at: "\(place).headers.\(header.key)") else { continue }
                headers.append((header.key, text))
            }
        }
        try authentication(value["authentication"], step: &step, headers: &headers, place: place + ".authentication")
        step.headers = canary.headers(headers, step: name)
        if let body = try text(value["body"], at: place + ".body") {
            let type = headers.last { $0.name.lowercased() == "content-type" }?.value ?? ""
            (step.body, step.bodyNote) = ImportBody.body(body, contentType: type, step: name, secrets: &canary.secrets)
        }
        var expect = Expectations()
        if case .array(let assertions)? = value["assertions"] {
            for (index, assertion) in assertions.enumerated() { try self.assertion(assertion, into: &expect, place: "\(place).assertions[\(index)]") }
        }
        step.expect = expect.members(notImported: &canary.notImported, place: place)
        if case .array(let extractors)? = value["extractors"] {
            for (index, extractor) in extractors.enumerated() { try capture(extractor, into: &step, place: "\(place).extractors[\(index)]") }
        }
        unknown(members, known: ["url", "httpMethod", "timeout", "waitTime", "headers", "body", "authentication", "assertions", "extractors"], place: place)
        canary.steps.append(step)
    }

    mutating func ssl(_ value: JSONValue, members: [(key: String, value: JSONValue)], name: String, place: String) throws(ImportError) {
        guard case .string(let host)? = value["hostname"] else { throw ImportError("\(file): \(place)", "an SSL step needs a \"hostname\"") }
        var port = ""
        if case .number(let number)? = value["port"], number != 443 { port = ":\(Int(number))" }
        var step = ImportedStep(name: name, url: "https://\(try convert(host, at: place + ".hostname"))\(port)/")
        step.notes = ["an SSL check: any HTTP answer will do, the certificate is what is checked"]
        if value["allowSelfSigned"] == .bool(true) || value["verifyHostname"] == .bool(false) {
            step.insecure = true
            canary.notImported.append("\(place): allowSelfSigned/verifyHostname become insecure: true, which checks no certificate at all")
        }
        var expect = Expectations()
        expect.add("status", "gte", "100", place: place)
        if case .array(let assertions)? = value["assertions"] {
            for (index, assertion) in assertions.enumerated() {
                let at = "\(place).assertions[\(index)]"
                guard assertion["type"] == .string("CERTIFICATE_EXPIRY"), case .number(let amount)? = assertion["value"],
                      case .string(let op)? = assertion["operator"], let mapped = ["GREATER_THAN": "gt", "LESS_THAN": "lt"][op] else {
                    canary.notImported.append("\(at) \(Self.describe(assertion)): no equivalent")
                    continue
                }
                let unit = assertion["unit"] == .string("HOURS") ? "h" : "d"
                expect.add("certificate", mapped, ImportWriter.quoted("\(Int(amount))\(unit)"), under: "expiresIn", place: at)
            }
        }
        step.expect = expect.members(notImported: &canary.notImported, place: place)
        unknown(members, known: ["hostname", "port", "timeout", "sni", "verifyHostname", "allowSelfSigned", "assertions"], place: place)
        canary.steps.append(step)
    }

    private mutating func authentication(_ value: JSONValue?, step: inout ImportedStep, headers: inout [(name: String, value: String)], place: String) throws(ImportError) {
        guard let value, case .string(let type)? = value["type"], type != "NONE" else { return }
        switch type {
        case "BASIC":
            let user = try text(value["username"], at: place + ".username") ?? ""
            let secret = canary.secrets.placeholder(for: "basic:" + place, suggested: "BASIC_AUTH", what: "base64 of '\(user):PASSWORD' (CloudWatch BASIC authentication), e.g. $(printf %s '\(user):PASSWORD' | base64 -w0)")
            headers.append(("Authorization", "Basic " + secret))
        case "API_KEY":
            var header = "X-API-Key"
            if case .string(let name)? = value["headerName"] { header = name }
            headers.append((header, try text(value["apiKey"], at: place + ".apiKey") ?? ""))
        case "OAUTH_CLIENT_CREDENTIALS":
            guard let tokenURL = try text(value["tokenUrl"], at: place + ".tokenUrl") else { throw ImportError("\(file): \(place)", "OAuth needs a \"tokenUrl\"") }
            var fields = ["grant_type=client_credentials"]
            for key in ["clientId": "client_id", "clientSecret": "client_secret", "scope": "scope", "audience": "audience", "resource": "resource"].sorted(by: { $0.key < $1.key }) {
                if let field = try text(value[key.key], at: "\(place).\(key.key)") { fields.append(key.value + "=" + field) }
            }
            var token = ImportedStep(name: ImportNames.unique(step.name + "-token", among: &taken), url: tokenURL)
            token.method = "POST"
            token.headers = [ImportedHeader(name: "Content-Type", value: "application/x-www-form-urlencoded")]
            (token.body, token.bodyNote) = ImportBody.body(fields.joined(separator: "&"), contentType: "application/x-www-form-urlencoded", step: token.name, secrets: &canary.secrets)
            token.notes = ["the OAuth client-credentials token for '\(step.name)', fetched each run"]
            token.expect = [("status", "200", nil)]
            let variable = step.name.replacingOccurrences(of: ".", with: "_") + "_token"
            token.captures = [(variable, "{json: \"$.access_token\", secret: true}")]
            canary.steps.append(token)
            headers.append(("Authorization", "Bearer {{\(variable)}}"))
            if value["tokenApiAuth"] != nil || value["tokenCacheTtl"] != nil {
                canary.notImported.append("\(place).tokenApiAuth/tokenCacheTtl: the token is asked for with the credentials in the form body, each run")
            }
        default:
            step.notes.append("\(type) authentication has no equivalent: this request is sent without it")
            canary.notImported.append("\(place) \(type): canary does not sign or authenticate requests this way")
        }
    }

    private mutating func assertion(_ value: JSONValue, into expect: inout Expectations, place: String) throws(ImportError) {
        guard case .string(let type)? = value["type"], case .string(let op)? = value["operator"] ?? .string("EXISTS") else {
            canary.notImported.append("\(place): an assertion without a type")
            return
        }
        let operators = ["EQUALS": "eq", "NOT_EQUALS": "ne", "GREATER_THAN": "gt", "LESS_THAN": "lt", "CONTAINS": "contains",
                         "NOT_CONTAINS": "notContains", "REGEX_MATCH": "matches", "EXIST": "exists", "EXISTS": "exists"]
        let expected = try literal(value["value"], at: place + ".value")
        let mapped = operators[op]
        if type == "STATUS_CODE", op == "IN_RANGE" {
            expect.add("status", "gte", try literal(value["rangeMin"], at: place) ?? "100", place: place)
            expect.add("status", "lte", try literal(value["rangeMax"], at: place) ?? "599", place: place)
        } else if type == "STATUS_CODE", let mapped, let expected {
            expect.add("status", mapped, expected, place: place)
        } else if type == "RESPONSE_TIME", let mapped, case .number(let milliseconds)? = value["value"] {
            expect.add("duration", mapped, ImportWriter.quoted("\(Int(milliseconds))ms"), place: place)
        } else if type == "HEADER", let mapped, let expected, case .string(let header)? = value["headerName"] {
            expect.add("headers", mapped, expected, under: header, place: place)
        } else if type == "BODY", let mapped, let expected, value["target"] == .string("TEXT") {
            expect.add("body", mapped, expected, place: place)
        } else if type == "BODY", let mapped, let expected, case .string(let path)? = value["path"] {
            expect.add("json", mapped, expected, under: path, place: place)
        } else {
            canary.notImported.append("\(place) \(Self.describe(value)): no equivalent")
        }
        if op == "REGEX_MATCH" { canary.notImported.append("\(place): a JavaScript regex, now an RFC 9485 I-Regexp (`matches`): check it still means the same") }
    }

    private mutating func capture(_ value: JSONValue, into step: inout ImportedStep, place: String) throws(ImportError) {
        guard case .string(let name)? = value["name"], Template.isValidName(name) else {
            canary.notImported.append("\(place): an extractor without a usable name")
            return
        }
        var parts: [String] = []
        if case .string(let path)? = value["path"] { parts.append("json: \(ImportWriter.quoted(path))") } else { parts.append("body: true") }
        if case .string(let regex)? = value["regex"] { parts.append("regex: \(ImportWriter.quoted(regex))") }
        if case .number(let group)? = value["regexGroup"], group > 1 {
            canary.notImported.append("\(place).regexGroup \(Int(group)): canary captures the first group; make the group you want the first")
        }
        step.captures.append((name, "{" + parts.joined(separator: ", ") + "}"))
    }

    /// A value as JSON5 text (strings converted).
    private mutating func literal(_ value: JSONValue?, at place: String) throws(ImportError) -> String? {
        switch value {
        case .string(let text)?: return ImportWriter.quoted(try convert(text, at: place))
        case .number(let number)?: return JSONWriter.text(of: number)
        case .bool(let flag)?: return String(flag)
        default: return nil
        }
    }

    static func describe(_ value: JSONValue) -> String {
        String(JSON5.serialize(value).prefix(120))
    }
}

/// `expect` members built up from assertions: one predicate object per query.
struct Expectations {
    private var order: [String] = []
    private var predicates: [String: [(op: String, value: String)]] = [:]
    private var nested: [String: [String]] = [:]
    private var conflicts: [String] = []

    mutating func add(_ query: String, _ op: String, _ value: String, under key: String? = nil, place: String) {
        let id = key.map { query + "\u{0}" + $0 } ?? query
        if predicates[id] == nil {
            predicates[id] = []
            if let key {
                if nested[query] == nil { order.append(query) }
                nested[query, default: []].append(key)
            } else {
                order.append(query)
            }
        }
        if predicates[id]!.contains(where: { $0.op == op }) {
            conflicts.append("\(place): a second '\(op)' on the same \(query) (one predicate object holds one of each)")
        } else {
            predicates[id]!.append((op, value))
        }
    }

    func members(notImported: inout [String], place: String) -> [(key: String, value: String, note: String?)] {
        notImported += conflicts
        return order.map { query in
            guard let keys = nested[query] else { return (query, Self.render(predicates[query]!), nil) }
            let inner = keys.map { ImportWriter.quoted($0) + ": " + Self.render(predicates[query + "\u{0}" + $0]!) }
            return (query, "{" + inner.joined(separator: ", ") + "}", nil)
        }
    }

    private static func render(_ predicate: [(op: String, value: String)]) -> String {
        if predicate.count == 1, predicate[0].op == "eq" { return predicate[0].value }
        return "{" + predicate.map { "\($0.op): \($0.value)" }.joined(separator: ", ") + "}"
    }
}
