import CurlEngine
import Foundation

/// Credential values a request carries or a response hands out, beyond `{{secret.X}}`: they are
/// masked wherever they appear, however they were written in the canary file (issue 25 item 5).
enum Credentials {
    /// Parts shorter than this (a cookie `lang=en`) would mask ordinary text everywhere.
    static let minimumPartLength = 6

    /// Headers libcurl itself leaves out when a redirect changes the origin.
    static let droppedByLibcurl: Set<String> = ["authorization", "cookie", "proxy-authorization"]

    /// A name such as `MY_API_TOKEN`, `X-Api-Key` or `db_password`: its value is treated as a
    /// secret (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*PASSWD*`, `*KEY*`, `*CREDENTIAL*`, `*AUTH*`).
    static func looksLikeCredential(_ name: String) -> Bool {
        var name = name
        let ascii = name.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? credentialWords.contains { Self.bytes(bytes, contain: $0) } : nil }
        if let ascii { return ascii }
        // Unicode upper-casing can make ASCII letters of other ones (`ſ` is `S`).
        let upper = name.uppercased()
        return credentialWords.contains { word in upper.utf8.firstRange(of: word) != nil }
    }

    private static let credentialWords = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH"].map { Array($0.utf8) }

    /// Whether ASCII `bytes` hold `word` (upper-case ASCII) in any case. By hand: this runs for
    /// every header of every request, and Foundation's `contains` (NSString underneath) was 3%
    /// of `canary run`'s CPU at 10,000 canaries.
    private static func bytes(_ bytes: UnsafeBufferPointer<UInt8>, contain word: [UInt8]) -> Bool {
        guard bytes.count >= word.count else { return false }
        outer: for start in 0...(bytes.count - word.count) {
            for (offset, letter) in word.enumerated() {
                var byte = bytes[start + offset]
                if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { byte -= 0x20 }
                if byte != letter { continue outer }
            }
            return true
        }
        return false
    }

    /// The user-info of the URL (and its `user:password` form, which Basic auth base64-encodes),
    /// and the values of credential headers: whole, and their token or cookie values.
    static func carried(by request: HTTPRequest) -> Set<String> {
        var values = userInfo(of: request.url)
        if case .url(let proxy) = request.connection.proxy {
            // Sent to the proxy as `Proxy-Authorization: Basic BASE64(user:pw)` too.
            let info = userInfo(of: proxy)
            values.formUnion(info)
            values.formUnion(info.filter { $0.contains(":") }.map { Data(($0.removingPercentEncoding ?? $0).utf8).base64EncodedString() })
        }
        for header in request.headers {
            let name = header.name.lowercased()
            if Redactor.sensitiveHeaders.contains(name) || looksLikeCredential(name) {
                values.formUnion(parts(ofHeader: name, value: header.value))
            }
        }
        return values.filter { $0.count >= minimumPartLength }
    }

    /// Cookie values a response sets: a later failure message or echo must not show them.
    static func set(by response: HTTPResponse) -> Set<String> {
        var values = Set<String>()
        for value in response.headers.values(named: "Set-Cookie") {
            let pair = value.prefix { $0 != ";" }
            if let equals = pair.firstIndex(of: "=") { values.insert(String(pair[pair.index(after: equals)...]).trimmingHTTPSpace()) }
        }
        return values.filter { $0.count >= minimumPartLength }
    }

    private static func parts(ofHeader name: String, value: String) -> Set<String> {
        var values: Set<String> = [value]
        if name == "cookie" {
            for pair in value.split(separator: ";") {
                if let equals = pair.firstIndex(of: "=") { values.insert(String(pair[pair.index(after: equals)...]).trimmingHTTPSpace()) }
            }
        } else if let space = value.firstIndex(of: " ") {
            // `Bearer TOKEN`, `Basic BASE64`: the token alone may be echoed too.
            let token = String(value[value.index(after: space)...]).trimmingHTTPSpace()
            values.insert(token)
            if value.lowercased().hasPrefix("basic "), let data = Data(base64Encoded: token),
               let decoded = String(data: data, encoding: .utf8) {
                values.insert(decoded)
                if let colon = decoded.firstIndex(of: ":") { values.insert(String(decoded[decoded.index(after: colon)...])) }
            }
        }
        return values
    }

    /// `alice:pw` and `pw` from `scheme://alice:pw@host/…`, percent-decoded as libcurl sends them.
    private static func userInfo(of url: String) -> Set<String> {
        // No `@` at all, the usual case, is told from the bytes: the walk below goes by characters.
        guard url.utf8.contains(UInt8(ascii: "@")), let scheme = url.schemeSeparator else { return [] }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return [] }
        let info = String(authority[..<at])
        let decoded = info.removingPercentEncoding ?? info
        var values: Set<String> = [info, decoded]
        if let colon = decoded.firstIndex(of: ":") { values.insert(String(decoded[decoded.index(after: colon)...])) }
        if let colon = info.firstIndex(of: ":") { values.insert(String(info[info.index(after: colon)...])) }
        return values
    }
}

extension String {
    fileprivate func trimmingHTTPSpace() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
