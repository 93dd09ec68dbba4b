import Foundation

/// `{{secret.NAME}}` placeholders an import put where credentials were: the file lists each with
/// what to set it to; the value itself is never written.
public struct SecretTable {
    public private(set) var entries: [(name: String, what: String)] = []
    private var byValue: [String: String] = [:]

    /// The placeholder for `value`: the same value gets the same name again.
    mutating func placeholder(for value: String, suggested: String, what: String) -> String {
        if let name = byValue[value] { return "{{secret.\(name)}}" }
        var base = suggested.uppercased().unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? String($0) : "_" }.joined()
        base = String(base.prefix(40))
        if base.first.map({ !$0.isLetter }) ?? true { base = "SECRET_" + base }
        var name = base, number = 2
        while entries.contains(where: { $0.name == name }) {
            name = "\(base)_\(number)"
            number += 1
        }
        entries.append((name, what))
        byValue[value] = name
        return "{{secret.\(name)}}"
    }
}

/// Credentials out, dynamic-looking values marked: what every importer does to the values it reads.
enum ImportScrub {
    /// Headers canary sets itself (or that describe one exchange only), left out with a reason.
    static func droppedReason(_ name: String) -> String? {
        let lower = name.lowercased()
        if lower.hasPrefix(":") { return "HTTP/2 pseudo-headers (from the URL and method)" }
        switch lower {
        case "host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "expect":
            return "set by libcurl for each request"
        case "accept-encoding":
            return "canary asks for gzip and deflate and decodes them itself (a browser's br or zstd could not be read)"
        case "traceparent", "tracestate", "x-amzn-trace-id", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-parentspanid":
            return "canary sends trace headers of its own each run (see `trace`)"
        default:
            return nil
        }
    }

    static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]
    private static let credentialParams: Set<String> = ["sig", "signature", "sid", "session", "sessionid", "jwt", "code", "apikey", "key"]

    static func isCredential(name: String) -> Bool {
        let lower = name.lowercased()
        return credentialHeaders.contains(lower) || Redactor.sensitiveHeaders.contains(lower) || Credentials.looksLikeCredential(name)
            || credentialParams.contains(lower) || lower.hasPrefix("x-amz-security") || lower.hasPrefix("x-amz-signature")
    }

    /// A header as the file writes it: a credential becomes a placeholder (`Bearer {{secret.X}}`
    /// keeps its scheme), a dynamic-looking value gets a note.
    static func header(_ name: String, _ value: String, step: String, secrets: inout SecretTable) -> ImportedHeader {
        guard isCredential(name: name), !value.isEmpty, !value.contains("{{") else {
            return ImportedHeader(name: name, value: value, note: dynamicReason(name: name, value: value).map { "dynamic-looking (\($0)): " + dynamicAdvice })
        }
        let masked = value.contains("***") ? " (the recorded value was masked as ***: set the real one)" : ""
        let parts = value.split(separator: " ", maxSplits: 1)
        let schemes = ["bearer", "basic", "token", "digest", "negotiate", "apikey", "key", "sso-key", "aws4-hmac-sha256"]
        if ["authorization", "proxy-authorization"].contains(name.lowercased()), parts.count == 2, schemes.contains(parts[0].lowercased()) {
            let placeholder = secrets.placeholder(for: String(parts[1]), suggested: name, what: "the \(name) header of step '\(step)' after \"\(parts[0]) \"" + masked)
            return ImportedHeader(name: name, value: "\(parts[0]) \(placeholder)")
        }
        let placeholder = secrets.placeholder(for: value, suggested: name, what: "the whole \(name) header of step '\(step)'" + masked)
        return ImportedHeader(name: name, value: placeholder)
    }

    /// The URL with credential query parameters (and a password in it) as placeholders, and a
    /// note naming the dynamic-looking parameters.
    static func url(_ url: String, step: String, secrets: inout SecretTable) -> (String, String?) {
        var text = url
        if let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].prefix(while: { !"/?#".contains($0) }).lastIndex(of: "@"),
           let colon = text[schemeEnd.upperBound..<at].firstIndex(of: ":") {
            let password = String(text[text.index(after: colon)..<at])
            if !password.isEmpty {
                let placeholder = secrets.placeholder(for: password, suggested: "URL_PASSWORD", what: "the password in the URL of step '\(step)', percent-encoded")
                text.replaceSubrange(text.index(after: colon)..<at, with: placeholder)
            }
        }
        guard let question = text.firstIndex(of: "?") else { return (text, nil) }
        let fragmentStart = text[question...].firstIndex(of: "#") ?? text.endIndex
        let (query, dynamic) = pairs(String(text[text.index(after: question)..<fragmentStart]), in: "the URL query of step '\(step)'", secrets: &secrets)
        text.replaceSubrange(text.index(after: question)..<fragmentStart, with: query)
        return (text, dynamic.isEmpty ? nil : "dynamic-looking query " + dynamic.joined(separator: ", ") + ": " + dynamicAdvice)
    }

    /// `a=1&token=…` with credential values as placeholders; the dynamic-looking names.
    static func pairs(_ text: String, in what: String, secrets: inout SecretTable) -> (String, [String]) {
        var dynamic: [String] = []
        let parts = text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            let decodedName = name.removingPercentEncoding ?? name
            if isCredential(name: decodedName), !value.isEmpty, !value.contains("{{") {
                let placeholder = secrets.placeholder(for: value, suggested: decodedName, what: "'\(decodedName)' in \(what), percent-encoded")
                return name + "=" + placeholder
            }
            if let reason = dynamicReason(name: decodedName, value: value.removingPercentEncoding ?? value) { dynamic.append("'\(decodedName)' (\(reason))") }
            return String(pair)
        }
        return (parts.joined(separator: "&"), dynamic)
    }

    /// A JSON body with credential members as placeholders; the dynamic-looking members' names.
    static func json(_ value: JSONValue, step: String, secrets: inout SecretTable, dynamic: inout [String], depth: Int = 0) -> JSONValue {
        guard depth < 64 else { return value }
        switch value {
        case .object(let members):
            return .object(members.map { member in
                if case .string(let text) = member.value, !text.isEmpty, !text.contains("{{") {
                    if isCredential(name: member.key) {
                        return (member.key, .string(secrets.placeholder(for: text, suggested: member.key, what: "\"\(member.key)\" in the JSON body of step '\(step)'")))
                    }
                    if let reason = dynamicReason(name: member.key, value: text) { dynamic.append("\"\(member.key)\" (\(reason))") }
                }
                return (member.key, json(member.value, step: step, secrets: &secrets, dynamic: &dynamic, depth: depth + 1))
            })
        case .array(let items):
            return .array(items.map { json($0, step: step, secrets: &secrets, dynamic: &dynamic, depth: depth + 1) })
        default:
            return value
        }
    }

    static let dynamicAdvice = "capture it from an earlier step or use a variable, or a replay may be refused"

    /// Why a value looks like it changes from one request to the next (nil: it doesn't).
    static func dynamicReason(name: String, value: String) -> String? {
        let lower = name.lowercased()
        if ["csrf", "xsrf", "nonce", "state", "requestid", "request-id", "x-request-id", "correlation"].contains(where: { lower.contains($0) }) {
            return "by its name"
        }
        guard value.utf8.count <= 4_096 else { return nil }
        if value.wholeMatch(of: /[0-9]{10}|[0-9]{13}/) != nil, let number = Int(value), (1_000_000_000...9_999_999_999_999).contains(number) {
            return "a timestamp"
        }
        if value.firstMatch(of: /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/) != nil { return "a UUID" }
        if value.firstMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}/) != nil { return "a date and time" }
        if value.firstMatch(of: /[0-9a-fA-F]{24,}/) != nil { return "a long hex token" }
        if let token = value.firstMatch(of: /[A-Za-z0-9+\/_\-]{32,}={0,2}/)?.output,
           token.contains(where: \.isNumber), token.contains(where: \.isUppercase), token.contains(where: \.isLowercase) {
            return "a long base64 token"
        }
        return nil
    }
}
