import Foundation

/// The `format`s checked when a schema asks for format assertion (`formats: true`). Formats not
/// listed here are annotations only: any string passes.
enum JSONSchemaFormats {
    static let known = ["date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "uri", "uuid", "regex", "json-pointer"]

    static func accepts(_ text: String, as format: String) -> Bool {
        switch format {
        case "date-time":
            guard let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }) else { return false }
            return isDate(text[..<separator]) && isTime(text[text.index(after: separator)...])
        case "date": return isDate(Substring(text))
        case "time": return isTime(Substring(text))
        case "email":
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && !parts[0].hasPrefix(".") && !parts[0].hasSuffix(".")
                && !parts[0].contains("..") && isHostname(parts[1])
        case "hostname": return isHostname(Substring(text))
        case "ipv4": return isIPv4(Substring(text))
        case "ipv6":
            var address = in6_addr()
            return !text.contains("%") && inet_pton(AF_INET6, text, &address) == 1
        case "uri":
            let reference = URIReference(text)
            return reference.scheme != nil && !text.contains(where: { $0 == " " || $0 == "\\" || $0 == "\"" || $0 == "<" || $0 == ">" })
        case "uuid":
            let groups = text.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
            return groups == [8, 4, 4, 4, 12] && text.allSatisfy { $0 == "-" || $0.isHexDigit }
        case "regex": return (try? NSRegularExpression(pattern: text)) != nil
        case "json-pointer":
            guard text.isEmpty || text.hasPrefix("/") else { return false }
            var rest = Substring(text)
            while let tilde = rest.firstIndex(of: "~") {
                let next = rest.index(after: tilde)
                guard next < rest.endIndex, rest[next] == "0" || rest[next] == "1" else { return false }
                rest = rest[rest.index(after: next)...]
            }
            return true
        default: return true
        }
    }

    private static func digits(_ text: Substring, _ count: Int) -> Int? {
        guard text.count == count, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// RFC 3339 full-date: 2024-02-29 (leap years checked).
    private static func isDate(_ text: Substring) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let year = digits(parts[0], 4), let month = digits(parts[1], 2), let day = digits(parts[2], 2),
              (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...lengths[month - 1]).contains(day)
    }

    /// RFC 3339 full-time: 12:34:56, fractions, and Z or an offset (required).
    private static func isTime(_ text: Substring) -> Bool {
        var body = text
        if body.hasSuffix("Z") || body.hasSuffix("z") {
            body = body.dropLast()
        } else if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = body[body.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
            guard offset.count == 2, let hours = digits(offset[0], 2), let minutes = digits(offset[1], 2), hours < 24, minutes < 60 else { return false }
            body = body[..<sign]
        } else {
            return false
        }
        if let dot = body.firstIndex(of: ".") {
            let fraction = body[body.index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            body = body[..<dot]
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hour = digits(parts[0], 2), let minute = digits(parts[1], 2), let second = digits(parts[2], 2) else { return false }
        return hour < 24 && minute < 60 && second <= 60
    }

    private static func isHostname(_ text: Substring) -> Bool {
        let name = text.hasSuffix(".") ? text.dropLast() : text
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(part) else { return false }
            return number <= 255 && (part.count == 1 || part.first != "0")
        }
    }
}
