extension JSON5Parser {
    /// Skips whitespace (JSON5's set, including NBSP, BOM, U+2028/2029) and comments.
    mutating func skipWhitespaceAndComments() throws(Failure) {
        while let next = current {
            switch next {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
                position += 1
            case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "/"):
                while let next = current, next != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "*"):
                try skipBlockComment()
            case 0xC2 where byte(at: position + 1) == 0xA0:
                position += 2
            case 0xEF where byte(at: position + 1) == 0xBB && byte(at: position + 2) == 0xBF:
                position += 3
            case 0xE2 where byte(at: position + 1) == 0x80 && (byte(at: position + 2) == 0xA8 || byte(at: position + 2) == 0xA9):
                position += 3
            default:
                return
            }
        }
    }

    private mutating func skipBlockComment() throws(Failure) {
        let start = position
        position += 2
        while position + 1 < bytes.count {
            if bytes[position] == UInt8(ascii: "*"), bytes[position + 1] == UInt8(ascii: "/") {
                position += 2
                return
            }
            position += 1
        }
        position = bytes.count
        throw failure("expected '*/' to end the comment", openedAt: (what: "comment", offset: start))
    }

    /// What is at the current position, for "found …": a word, a character, or the end.
    func foundDescription() -> String {
        guard let first = current else { return "the end of the file" }
        if Self.isNameByte(first) {
            var end = position
            while end < bytes.count, end - position < 24, Self.isNameByte(bytes[end]) { end += 1 }
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
            return "'\(word)'"
        }
        switch first {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "a line break"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(first)))'"
        default: return "character U+\(String(first, radix: 16, uppercase: true))"
        }
    }
}
