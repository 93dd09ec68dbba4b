/// Splits one command line into words as bash reads it: blanks separate words; 'single quotes'
/// keep everything; "double quotes" keep everything but `\"`, `\\`, `\$`, `` \` `` and
/// backslash-newline; $'…' takes C escapes (`\n`, `\t`, `\xHH`, `\uHHHH`, `\'`…); a backslash
/// outside quotes keeps the next character, and backslash-newline joins lines (as "Copy as cURL"
/// writes them). Expansions (`$VAR`, `$(…)`, backquotes, globs) are refused: the command is not run.
public enum ShellWords {
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    public static func split(_ text: String) throws(SyntaxError) -> [String] {
        var reader = Reader(Array(text.unicodeScalars))
        return try reader.words()
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var column = 1

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
        var next: Unicode.Scalar? { index + 1 < scalars.count ? scalars[index + 1] : nil }

        mutating func advance() {
            if scalars[index] == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
            index += 1
        }

        func fail(_ message: String, line: Int? = nil, column: Int? = nil) -> SyntaxError {
            SyntaxError(line: line ?? self.line, column: column ?? self.column, message: message)
        }

        mutating func words() throws(SyntaxError) -> [String] {
            var words: [String] = []
            var word = String.UnicodeScalarView()
            var inWord = false
            while let scalar = current {
                switch scalar {
                case " ", "\t", "\n", "\r":
                    if inWord { words.append(String(word)) }
                    (word, inWord) = (String.UnicodeScalarView(), false)
                    advance()
                case "\\":
                    advance()
                    guard let escaped = current else { throw fail("a backslash at the end of the command escapes nothing; remove it") }
                    if escaped == "\r", next == "\n" { advance() }
                    if current != "\n" { word.append(current!); inWord = true }
                    advance()
                case "'":
                    word.append(contentsOf: try singleQuoted())
                    inWord = true
                case "\"":
                    word.append(contentsOf: try doubleQuoted())
                    inWord = true
                case "$" where next == "'":
                    advance()
                    word.append(contentsOf: try ansiQuoted())
                    inWord = true
                case "$", "`":
                    throw fail("'\(scalar)' starts a shell expansion, which import does not run; put its value in the command (or quote it with '…')")
                case ";", "|", "&", "<", ">", "(", ")":
                    throw fail("'\(scalar)' ends the command in a shell; import reads one curl command: remove what follows, or quote it with '…'")
                case "#" where !inWord:
                    while let skipped = current, skipped != "\n" { _ = skipped; advance() }
                default:
                    word.append(scalar)
                    inWord = true
                    advance()
                }
            }
            if inWord { words.append(String(word)) }
            return words
        }

        mutating func singleQuoted() throws(SyntaxError) -> String.UnicodeScalarView {
            let (startLine, startColumn) = (line, column)
            advance()
            var text = String.UnicodeScalarView()
            while let scalar = current, scalar != "'" {
                text.append(scalar)
                advance()
            }
            guard current != nil else { throw fail("this single quote is never closed; add a ' at the end of the value", line: startLine, column: startColumn) }
            advance()
            return text
        }

        mutating func doubleQuoted() throws(SyntaxError) -> String.UnicodeScalarView {
            let (startLine, startColumn) = (line, column)
            advance()
            var text = String.UnicodeScalarView()
            while let scalar = current, scalar != "\"" {
                if scalar == "\\", let escaped = next, "\"\\$`\n".unicodeScalars.contains(escaped) {
                    advance()
                    if escaped != "\n" { text.append(escaped) }
                } else if scalar == "$" || scalar == "`" {
                    if scalar == "$", let following = next, !(following.properties.isAlphabetic || "{(_0123456789@*#?$!-".unicodeScalars.contains(following)) {
                        text.append(scalar)
                    } else {
                        throw fail("'\(scalar)' inside double quotes is a shell expansion, which import does not run; use single quotes or put the value in")
                    }
                } else {
                    text.append(scalar)
                }
                advance()
            }
            guard current != nil else { throw fail("this double quote is never closed; add a \" at the end of the value", line: startLine, column: startColumn) }
            advance()
            return text
        }

        /// `$'…'`: C-style escapes, as bash reads them.
        mutating func ansiQuoted() throws(SyntaxError) -> String.UnicodeScalarView {
            let (startLine, startColumn) = (line, column - 1)
            advance()
            var text = String.UnicodeScalarView()
            while let scalar = current, scalar != "'" {
                advance()
                guard scalar == "\\" else { text.append(scalar); continue }
                guard let escape = current else { break }
                advance()
                switch escape {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "a": text.append("\u{7}")
                case "b": text.append("\u{8}")
                case "e", "E": text.append("\u{1B}")
                case "f": text.append("\u{C}")
                case "v": text.append("\u{B}")
                case "x": text.append(contentsOf: hexScalar(maxDigits: 2, escape: "\\x"))
                case "u": text.append(contentsOf: hexScalar(maxDigits: 4, escape: "\\u"))
                case "U": text.append(contentsOf: hexScalar(maxDigits: 8, escape: "\\U"))
                case "0", "1", "2", "3", "4", "5", "6", "7":
                    var value = escape.value - 48
                    for _ in 0..<2 {
                        guard let digit = current, ("0"..."7").contains(digit) else { break }
                        value = value * 8 + digit.value - 48
                        advance()
                    }
                    text.append(Unicode.Scalar(value & 0xFF)!)
                default:
                    if !"\\'\"?".unicodeScalars.contains(escape) { text.append("\\") }
                    text.append(escape)
                }
            }
            guard current != nil else { throw fail("this $' quote is never closed; add a ' at the end of the value", line: startLine, column: startColumn) }
            advance()
            return text
        }

        /// Up to `maxDigits` hex digits; none: the escape as written (bash keeps it).
        mutating func hexScalar(maxDigits: Int, escape: String) -> String.UnicodeScalarView {
            var value: UInt32 = 0, digits = 0
            while digits < maxDigits, let digit = current, digit.isASCII, let nibble = UInt32(String(digit), radix: 16) {
                value = value * 16 + nibble
                digits += 1
                advance()
            }
            guard digits > 0 else { return escape.unicodeScalars }
            return String.UnicodeScalarView([Unicode.Scalar(value) ?? "\u{FFFD}"])
        }
    }
}
