/// One word of a POSIX shell command line, built from literal text and variable references.
/// Literal text goes in single quotes, or in `$'…'` with `\xHH` escapes when it holds a
/// control character, so nothing in it is expanded and nothing reaches a terminal raw.
enum ShellWord {
    enum Piece: Equatable {
        case text(String)
        /// Expanded by the shell: `"$NAME"`.
        case variable(String)
    }

    static func quote(_ pieces: [Piece]) -> String {
        guard !pieces.isEmpty else { return "''" }
        // Neighbouring text is one quoted run: `'Authorization: Bearer '`, not two.
        var merged: [Piece] = []
        for piece in pieces {
            if case .text(let text) = piece, case .text(let previous)? = merged.last {
                merged[merged.count - 1] = .text(previous + text)
            } else {
                merged.append(piece)
            }
        }
        return merged.map { piece in
            switch piece {
            case .variable(let name): return "\"$\(name)\""
            case .text(let text): return quoteText(text)
            }
        }.joined()
    }

    private static func quoteText(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: PrintableText.isControl) else {
            return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        var out = "$'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case _ where PrintableText.isControl(scalar):
                for byte in String(scalar).utf8 { out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16) }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    /// `name` as a shell variable name: letters, digits and `_`, not starting with a digit.
    static func variableName(_ name: String) -> String {
        var out = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
                ? Character(scalar) : "_"
        })
        if out.first.map({ $0.isNumber }) ?? true { out = "_" + out }
        return out
    }
}
