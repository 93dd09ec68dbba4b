import Foundation

/// URLs as they may appear in a log line or a warning: user-info (`user:password@`) and the query
/// hidden, since that is where credentials and tokens ride (`--pushgateway http://user:pw@…`,
/// `?api_key=…`). Scheme, host, port and path stay, to tell which endpoint is meant.
enum URLMasking {
    /// `http://***@pushgateway:9091/metrics/job/canary?***`; a URL that does not parse is not shown.
    static func masked(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else {
            return "(unparseable URL)"
        }
        let user = parts.percentEncodedUser != nil || parts.percentEncodedPassword != nil ? "***@" : ""
        let port = parts.port.map { ":\($0)" } ?? ""
        let query = parts.percentEncodedQuery == nil ? "" : "?***"
        return "\(scheme)://\(user)\(host)\(port)\(parts.percentEncodedPath)\(query)"
    }

    /// `text` with `url`, and its user-info and query on their own, replaced: for messages that
    /// quote the URL they are about (a transport error naming it).
    static func masking(_ url: String, in text: String) -> String {
        var result = text.replacingOccurrences(of: url, with: masked(url))
        if let parts = URLComponents(string: url) {
            for secret in [parts.percentEncodedPassword, parts.password, parts.percentEncodedQuery, parts.query] {
                if let secret, !secret.isEmpty { result = result.replacingOccurrences(of: secret, with: "***") }
            }
        }
        return result
    }
}
