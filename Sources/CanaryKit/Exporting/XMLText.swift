/// Escaping for XML 1.0 text and attribute values. Server text is hostile: besides the five
/// markup characters, XML 1.0 forbids most control characters outright (even as `&#1;`), so those
/// are dropped; tab, newline and carriage return in attributes are written as character
/// references, which survive the parser's attribute-value normalisation.
enum XMLText {
    static func attribute(_ text: String) -> String {
        escape(text, inAttribute: true)
    }

    static func content(_ text: String) -> String {
        escape(text, inAttribute: false)
    }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where inAttribute: out += "&quot;"
            case "'" where inAttribute: out += "&apos;"
            case "\t" where inAttribute: out += "&#9;"
            case "\n" where inAttribute: out += "&#10;"
            // A raw CR would be folded into a newline by the parser, in text as well.
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    /// Swift strings never hold surrogates, so only the controls and U+FFFE/U+FFFF remain to drop.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xFFFD: true
        case 0x10000...0x10FFFF: true
        default: false
        }
    }
}
