import Foundation

/// The run's cookies (`cookies: true`) as libcurl keeps them: Netscape cookie-file lines
/// (`domain TAB subdomains TAB path TAB secure TAB expires TAB name TAB value`, an HttpOnly
/// cookie's domain prefixed `#HttpOnly_`). libcurl matches domain, path, scheme and expiry when
/// it sends them; this side only reads names and values for checks and captures.
struct CookieJar: Sendable, Equatable {
    var lines: [String] = []

    /// The value of the cookie named `name` (exact, as cookie names are case-sensitive); with
    /// several (other domains or paths), the last libcurl lists. Expired ones are left out.
    func value(named name: String, now: Date = Date()) -> String? {
        cookies(now: now).last { $0.name == name }?.value
    }

    /// Every live cookie's name and value; lines that are not 7 tab-separated fields are skipped.
    func cookies(now: Date = Date()) -> [(name: String, value: String)] {
        lines.compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 7, !line.hasPrefix("# ") else { return nil }
            let expires = Int64(fields[4]) ?? 0
            if expires > 0 && Double(expires) <= now.timeIntervalSince1970 { return nil }
            return (String(fields[5]), fields[6...].joined(separator: "\t"))
        }
    }

    /// Values to mask in records and messages, as `Credentials` masks the values of Set-Cookie.
    var secretValues: Set<String> {
        Set(cookies().map(\.value).filter { $0.count >= Credentials.minimumPartLength })
    }
}
