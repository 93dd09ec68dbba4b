import Foundation

/// What curl's options ask of each request: method, headers, body, TLS and redirects.
struct CurlRequest {
    var explicitMethod: String?
    var head = false
    var asQuery = false
    var headers: [(name: String, value: String, word: Int)] = []
    var data: [String] = []
    var json: [String] = []
    var formParts: [(name: String, value: String)] = []
    var user: String?
    var bearer: String?
    var insecure = false
    var follow = false
    var timeout: String?
    var maxRedirects: Int?
    var notImported: [String] = []

    init(options: [CurlImport.Option]) throws(ImportError) {
        var ignoredOutput: [String] = []
        for option in options {
            let place = "word \(option.word)"
            let value = option.value ?? ""
            if option.value != nil { try ImportText.check(value, at: place) }
            switch option.name {
            case "--request":
                try ImportText.checkMethod(value, at: place)
                explicitMethod = value.uppercased()
            case "--head": head = true
            case "--get": asQuery = true
            case "--header": try header(value, at: option.word)
            case "--data", "--data-ascii", "--data-binary":
                if value.hasPrefix("@") { throw Self.fromFile(option.name, value, at: place) }
                data.append(option.name == "--data-binary" ? value : value.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: ""))
            case "--data-raw": data.append(value)
            case "--data-urlencode": data.append(try Self.urlencoded(value, at: place))
            case "--json":
                if value.hasPrefix("@") { throw Self.fromFile(option.name, value, at: place) }
                json.append(value)
            case "--form", "--form-string":
                guard let equals = value.firstIndex(of: "=") else {
                    throw ImportError(place, "\(option.name) '\(value)' has no '='; write name=value")
                }
                let field = String(value[value.index(after: equals)...])
                if option.name == "--form", field.hasPrefix("@") || field.hasPrefix("<") {
                    throw Self.fromFile(option.name, value, at: place)
                }
                formParts.append((String(value[..<equals]), field))
            case "--user": user = value
            case "--oauth2-bearer": bearer = value
            case "--cookie":
                if value.contains("=") {
                    headers.append(("Cookie", value, option.word))
                } else {
                    notImported.append("-b \(value): a cookie file; canary sends no cookies from files: add a Cookie header")
                }
            case "--user-agent": headers.append(("User-Agent", value, option.word))
            case "--referer": headers.append(("Referer", value, option.word))
            case "--compressed": break  // canary always asks for gzip and deflate, and decodes them
            case "--insecure": insecure = true
            case "--location": follow = true
            case "--location-trusted":
                follow = true
                notImported.append("--location-trusted: canary drops credentials on a redirect to another host, as curl -L does")
            case "--max-time": timeout = try Self.duration(value, at: place)
            case "--max-redirs":
                guard let number = Int(value), (0...100).contains(number) else { throw ImportError(place, "--max-redirs '\(value)' is not a number from 0 to 100") }
                maxRedirects = number
            case let name where CurlImport.outputOnly.contains(name):
                ignoredOutput.append(name)
            case "--cacert", "--capath":
                notImported.append("\(option.name) \(value): give the CA file to `canary run --cacert FILE` instead")
            default:
                notImported.append(option.name + (option.value.map { " \($0)" } ?? "") + ": no equivalent in a canary file")
            }
        }
        if !ignoredOutput.isEmpty {
            notImported.append("curl's output options (canary records every exchange itself): " + ignoredOutput.joined(separator: " "))
        }
    }

    var method: String {
        if let explicitMethod { return explicitMethod }
        if head { return "HEAD" }
        if !asQuery && (!data.isEmpty || !json.isEmpty || !formParts.isEmpty) { return "POST" }
        return "GET"
    }

    private mutating func header(_ line: String, at word: Int) throws(ImportError) {
        let separator = line.firstIndex(of: ":") ?? line.firstIndex(of: ";")
        guard let separator else { throw ImportError("word \(word)", "header '\(line)' has no ':'; write -H 'Name: value'") }
        let name = String(line[..<separator]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: separator)...]).trimmingCharacters(in: .whitespaces)
        guard CanaryFileDecoder.isToken(name) else {
            throw ImportError("word \(word)", "'\(name)' is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)")
        }
        try ImportText.checkHeader(name, value, at: "word \(word)")
        if line[separator] == ":", value.isEmpty {
            notImported.append("-H '\(name):': curl removes that header; canary sends none it is not given")
            return
        }
        headers.append((name, value, word))
    }

    /// Headers, body, TLS, redirects and timeout of one step.
    func fill(_ step: inout ImportedStep, canary: inout ImportedCanary) throws(ImportError) {
        var headers = self.headers.map { (name: $0.name, value: $0.value) }
        let has = { (name: String) in headers.contains { $0.name.lowercased() == name } }
        if let user {
            let login = user.split(separator: ":", maxSplits: 1).first.map(String.init) ?? user
            let name = canary.secrets.placeholder(for: user, suggested: "BASIC_AUTH", what: "base64 of '\(login):PASSWORD' (curl -u), e.g. $(printf %s '\(login):PASSWORD' | base64 -w0)")
            headers.append(("Authorization", "Basic " + name))
        }
        if let bearer { headers.append(("Authorization", "Bearer " + bearer)) }
        if !json.isEmpty {
            if !has("content-type") { headers.append(("Content-Type", "application/json")) }
            if !has("accept") { headers.append(("Accept", "application/json")) }
        }
        var body: String?
        if !formParts.isEmpty {
            let boundary = "------------------------canaryimport"
            body = formParts.map { "--\(boundary)\r\nContent-Disposition: form-data; name=\"\($0.name)\"\r\n\r\n\($0.value)\r\n" }.joined() + "--\(boundary)--\r\n"
            headers.removeAll { $0.name.lowercased() == "content-type" }
            headers.append(("Content-Type", "multipart/form-data; boundary=\(boundary)"))
        } else if !json.isEmpty {
            body = json.joined()
        } else if !data.isEmpty, !asQuery {
            body = data.joined(separator: "&")
            if !has("content-type") { headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
        }
        step.headers = canary.headers(headers, step: step.name)
        if let body {
            let type = headers.last { $0.name.lowercased() == "content-type" }?.value ?? ""
            (step.body, step.bodyNote) = ImportBody.body(body, contentType: type, step: step.name, secrets: &canary.secrets)
        }
        step.insecure = insecure
        step.followRedirects = follow ? nil : false
        step.maxRedirects = follow ? maxRedirects : nil
        step.timeout = timeout
    }

    static func fromFile(_ option: String, _ value: String, at place: String) -> ImportError {
        ImportError(place, "\(option) \(value) reads a file, which import does not: put the content in the command (e.g. --data-raw '…')")
    }

    /// `--data-urlencode`: `content`, `=content`, `name=content` (the content percent-encoded).
    static func urlencoded(_ value: String, at place: String) throws(ImportError) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        if let at = value.firstIndex(of: "@"), !value[..<at].contains("=") {
            throw fromFile("--data-urlencode", value, at: place)
        }
        guard let equals = value.firstIndex(of: "=") else { return encode(value) }
        let name = String(value[..<equals]), content = String(value[value.index(after: equals)...])
        return name.isEmpty ? encode(content) : name + "=" + encode(content)
    }

    /// `-m 2.5` → `2500ms`.
    static func duration(_ value: String, at place: String) throws(ImportError) -> String {
        guard let seconds = Double(value), seconds > 0, seconds <= 86_400 else {
            throw ImportError(place, "--max-time '\(value)' is not a number of seconds")
        }
        return "\(Int((seconds * 1000).rounded()))ms"
    }
}
