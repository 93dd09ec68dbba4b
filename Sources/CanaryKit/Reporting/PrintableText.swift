/// The one escaping style for text shown to people from untrusted sources (server headers and
/// bodies, canary files): C0 and C1 control characters and DEL become `\n`, `\r`, `\t` or
/// `\u001B`, so no byte a server sends can drive a terminal or add a line.
public enum PrintableText {
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with control characters escaped; `keepingTabs` leaves tabs as they are (bodies).
    public static func escaping(_ text: some StringProtocol, keepingTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingTabs && $0 == "\t") }) else { return String(text) }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t" where keepingTabs: result.unicodeScalars.append(scalar)
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where isControl(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension PrintableText {
    /// Multi-line text (a body) with its line breaks kept and every other control character
    /// escaped, tabs included as they are.
    public static func escapingLines(_ text: some StringProtocol) -> String {
        lines(of: text).map { escaping($0, keepingTabs: true) }.joined(separator: "\n")
    }

    /// The lines of `text`, split at LF and at CR LF. "\r\n" is one Character in Swift, so
    /// splitting at "\n" alone leaves a CR LF body (most HTTP error pages) one line.
    public static func lines<Text: StringProtocol>(of text: Text) -> [Text.SubSequence] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }
}

/// `1 canary`, `3 canaries`, `0 canaries`: a count with its noun in the right form.
public func counted(_ count: Int, _ one: String, _ many: String) -> String {
    "\(count) \(count == 1 ? one : many)"
}
