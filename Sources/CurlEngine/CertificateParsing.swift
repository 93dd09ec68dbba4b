import Foundation

/// Builds one certificate from libcurl's CURLINFO_CERTINFO lines ("Name:value").
/// Keys match case-insensitively: the OpenSSL backend writes "Expire date", others "Expire Date".
/// Returns nil without a parsable expiry date.
func parseCertificate(fields: [String]) -> CertificateInfo? {
    var values: [String: String] = [:]
    for field in fields {
        guard let colon = field.firstIndex(of: ":") else { continue }
        let key = field[..<colon].lowercased()
        if values[key] == nil { values[key] = String(field[field.index(after: colon)...]) }
    }
    guard let expiry = values["expire date"].flatMap(parseCertificateDate) else { return nil }
    return CertificateInfo(
        subject: values["subject"]?.trimmingHTTPWhitespace() ?? "",
        issuer: values["issuer"]?.trimmingHTTPWhitespace() ?? "",
        notBefore: values["start date"].flatMap(parseCertificateDate),
        notAfter: expiry,
        subjectAltNames: values["x509v3 subject alternative name"].map(parseAltNames) ?? [])
}

/// OpenSSL's `DNS:localhost, IP Address:127.0.0.1` as `["localhost", "127.0.0.1"]`: each entry
/// loses its type, up to the first colon (an IPv6 address keeps its own colons).
func parseAltNames(_ text: String) -> [String] {
    text.split(separator: ",").compactMap { entry in
        let trimmed = String(entry).trimmingHTTPWhitespace()
        guard let colon = trimmed.firstIndex(of: ":") else { return trimmed.isEmpty ? nil : trimmed }
        return String(trimmed[trimmed.index(after: colon)...])
    }
}

/// Parses OpenSSL's `Dec 22 14:44:54 2026 GMT` (day space-padded: `Jan  5 …`) and the other
/// backends' `2026-12-22 14:44:54 GMT`. Always UTC. Hand-written: DateFormatter is slow to
/// create and locale-sensitive.
func parseCertificateDate(_ text: String) -> Date? {
    let words = text.split(separator: " ")
    guard words.count == 3 || words.count == 5, words.last == "GMT" else { return nil }
    var day = 0, month = 0, year = 0
    let time: Substring
    if words.count == 5 {
        guard let monthIndex = monthNames.firstIndex(of: words[0].lowercased()),
              let parsedDay = Int(words[1]), let parsedYear = Int(words[3]) else { return nil }
        (month, day, year, time) = (monthIndex + 1, parsedDay, parsedYear, words[2])
    } else {
        let date = words[0].split(separator: "-")
        guard date.count == 3, let y = Int(date[0]), let m = Int(date[1]), let d = Int(date[2]) else { return nil }
        (year, month, day, time) = (y, m, d, words[1])
    }
    let clock = time.split(separator: ":").compactMap { Int($0) }
    guard clock.count == 3, (1...12).contains(month), (1...31).contains(day),
          (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
    let days = daysSinceEpoch(year: year, month: month, day: day)
    let seconds = ((days * 24 + clock[0]) * 60 + clock[1]) * 60 + clock[2]
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

private let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
private func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
