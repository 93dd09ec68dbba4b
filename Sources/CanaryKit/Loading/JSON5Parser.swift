/// Why parsing stopped, at a byte offset; `JSON5` turns it into line and column.
struct JSON5ParseFailure: Error {
    var offset: Int
    var message: String
    /// The unclosed container or string that the end of input interrupted, for a better message.
    var openedAt: (what: String, offset: Int)?
}

/// A recursive-descent JSON5 parser over raw bytes. Recursion is bounded by `JSON5.maximumDepth`,
/// so hostile nesting is an error rather than a stack overflow.
struct JSON5Parser<Builder: JSONTreeBuilder> {
    typealias Failure = JSON5ParseFailure

    let bytes: UnsafeBufferPointer<UInt8>
    let builder: Builder
    var position = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, builder: Builder) {
        self.bytes = bytes
        self.builder = builder
    }

    mutating func parseDocument() throws(Failure) -> Builder.Node {
        if let invalid = UTF8Check.firstInvalidOffset(in: bytes) {
            throw Failure(offset: invalid, message: "invalid UTF-8 (byte 0x\(String(bytes[invalid], radix: 16, uppercase: true))); save the file as UTF-8")
        }
        try skipWhitespaceAndComments()
        guard position < bytes.count else {
            throw Failure(offset: position, message: "the document is empty; expected a JSON value such as an object {…}")
        }
        let node = try parseValue()
        try skipWhitespaceAndComments()
        guard position == bytes.count else {
            throw failure("expected the end of the document after the value")
        }
        return node
    }

    /// "expected …, found X" at the current position.
    func failure(_ expected: String, openedAt: (what: String, offset: Int)? = nil) -> Failure {
        let interrupted = position >= bytes.count ? openedAt : nil
        return Failure(offset: position, message: "\(expected), found \(foundDescription())", openedAt: interrupted)
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    func byte(at offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    // MARK: Values

    mutating func parseValue() throws(Failure) -> Builder.Node {
        let start = position
        guard let first = current else { throw failure("expected a value") }
        switch first {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return builder.leaf(.string(try parseString()), at: start)
        case UInt8(ascii: "t") where matchWord("true"): return builder.leaf(.bool(true), at: start)
        case UInt8(ascii: "f") where matchWord("false"): return builder.leaf(.bool(false), at: start)
        case UInt8(ascii: "n") where matchWord("null"): return builder.leaf(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "I"), UInt8(ascii: "N"):
            return builder.leaf(.number(try parseNumber()), at: start)
        default:
            throw failure("expected a value (object, array, string, number, true, false or null)")
        }
    }

    private mutating func enterContainer(_ what: String) throws(Failure) {
        depth += 1
        guard depth <= JSON5.maximumDepth else {
            throw Failure(offset: position, message: "\(what)s nested more than \(JSON5.maximumDepth) levels deep")
        }
    }

    mutating func parseObject() throws(Failure) -> Builder.Node {
        let start = position
        try enterContainer("object")
        position += 1
        var members: [(key: String, keyOffset: Int, value: Builder.Node)] = []
        let opened = (what: "object", offset: start)
        while true {
            try skipWhitespaceAndComments()
            if current == UInt8(ascii: "}") { break }
            let keyOffset = position
            let key = try parseKey(openedAt: opened)
            try skipWhitespaceAndComments()
            guard current == UInt8(ascii: ":") else {
                throw failure("expected ':' after key '\(LoadProblem.excerpt(key))'", openedAt: opened)
            }
            position += 1
            try skipWhitespaceAndComments()
            guard position < bytes.count else { throw failure("expected a value after '\(LoadProblem.excerpt(key))':", openedAt: opened) }
            members.append((key, keyOffset, try parseValue()))
            try skipWhitespaceAndComments()
            if current == UInt8(ascii: ",") {
                position += 1
            } else if current != UInt8(ascii: "}") {
                throw failure("expected ',' or '}' after object member", openedAt: opened)
            }
        }
        position += 1
        depth -= 1
        return builder.object(members, at: start)
    }

    mutating func parseArray() throws(Failure) -> Builder.Node {
        let start = position
        try enterContainer("array")
        position += 1
        var items: [Builder.Node] = []
        let opened = (what: "array", offset: start)
        while true {
            try skipWhitespaceAndComments()
            if current == UInt8(ascii: "]") { break }
            guard position < bytes.count else { throw failure("expected a value or ']'", openedAt: opened) }
            items.append(try parseValue())
            try skipWhitespaceAndComments()
            if current == UInt8(ascii: ",") {
                position += 1
            } else if current != UInt8(ascii: "]") {
                throw failure("expected ',' or ']' after array element", openedAt: opened)
            }
        }
        position += 1
        depth -= 1
        return builder.array(items, at: start)
    }

    /// Consumes `word` when it is next and not the start of a longer name (`nullable`).
    mutating func matchWord(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { return false }
        let text = UnsafeBufferPointer(start: word.utf8Start, count: length)
        for offset in 0..<length where bytes[position + offset] != text[offset] { return false }
        if let next = byte(at: position + length), Self.isNameByte(next) { return false }
        position += length
        return true
    }
}
