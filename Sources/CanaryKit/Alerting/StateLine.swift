import Foundation

/// One line of `state.json` as `StateFile.save` writes it (`"name": {…}`), read without decoding
/// the canary's last record: that record is most of the line, and most of the time it is replaced
/// by this run's before anyone reads it. The line is checked to be JSON by a strict scanner (no
/// decoding, no allocation); the record's bytes are kept and decoded only if asked for
/// (`LastRun`). Decoding every last record was a third of loading the states (10,000 canaries).
struct StateLine {
    /// The canary's name, the state's JSON with `"last"` set to null, and the last record's JSON.
    var name: String
    var state: [UInt8]
    var last: [UInt8]?

    /// nil: not one whole member of that shape, or not JSON (the caller then decodes it the slow
    /// way, which explains what is wrong).
    init?(_ bytes: [UInt8]) {
        var scan = JSONScan(bytes)
        scan.skipSpace()
        let nameStart = scan.index
        guard scan.string() else { return nil }
        let nameEnd = scan.index
        scan.skipSpace()
        guard scan.take(UInt8(ascii: ":")) else { return nil }
        scan.skipSpace()
        let valueStart = scan.index
        var lastRange: Range<Int>?
        guard scan.object(member: "last", found: &lastRange) else { return nil }
        let valueEnd = scan.index
        scan.skipSpace()
        _ = scan.take(UInt8(ascii: ","))
        scan.skipSpace()
        guard scan.atEnd else { return nil }
        guard let name = Self.string(bytes[nameStart..<nameEnd]) else { return nil }
        self.name = name
        if let range = lastRange, bytes[range.lowerBound] == UInt8(ascii: "{") {
            state = Array(bytes[valueStart..<range.lowerBound]) + Array("null".utf8) + Array(bytes[range.upperBound..<valueEnd])
            last = Array(bytes[range])
        } else {
            state = Array(bytes[valueStart..<valueEnd])
            last = nil
        }
    }

    /// A JSON string's text; the quotes stripped when nothing in it is escaped.
    private static func string(_ quoted: ArraySlice<UInt8>) -> String? {
        let inner = quoted.dropFirst().dropLast()
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        return try? JSONDecoder().decode([String].self, from: Data("[".utf8) + Data(quoted) + Data("]".utf8)).first
    }
}

/// A strict JSON syntax check over bytes (RFC 8259: no comments, no trailing commas, escapes and
/// numbers as the grammar says), nesting at most `maxDepth` deep. It only says whether the bytes
/// are JSON and where a value ends.
struct JSONScan {
    private let bytes: [UInt8]
    private(set) var index = 0
    private var depth = 0
    static let maxDepth = 256

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// Any value.
    mutating func value() -> Bool {
        var ignored: Range<Int>?
        switch current {
        case UInt8(ascii: "{"): return object(member: nil, found: &ignored)
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    /// An object; the range of the value of its member `member` (the last one of that name) in `found`.
    mutating func object(member: String?, found: inout Range<Int>?) -> Bool {
        guard take(UInt8(ascii: "{")), depth < Self.maxDepth else { return false }
        depth += 1
        defer { depth -= 1 }
        skipSpace()
        if take(UInt8(ascii: "}")) { return true }
        let wanted = member.map { Array("\"\($0)\"".utf8) }
        while true {
            skipSpace()
            let keyStart = index
            guard string() else { return false }
            let isWanted = wanted.map { bytes[keyStart..<index].elementsEqual($0) } ?? false
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            let valueStart = index
            guard value() else { return false }
            if isWanted { found = valueStart..<index }
            skipSpace()
            if take(UInt8(ascii: "}")) { return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    private mutating func array() -> Bool {
        guard take(UInt8(ascii: "[")), depth < Self.maxDepth else { return false }
        depth += 1
        defer { depth -= 1 }
        skipSpace()
        if take(UInt8(ascii: "]")) { return true }
        while true {
            skipSpace()
            guard value() else { return false }
            skipSpace()
            if take(UInt8(ascii: "]")) { return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    /// A string: no control characters, escapes as JSON allows them, UTF-8 left to the decoder.
    mutating func string() -> Bool {
        guard take(UInt8(ascii: "\"")) else { return false }
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return true
            case 0..<0x20: return false
            case UInt8(ascii: "\\"):
                guard let escaped = current else { return false }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let hex = current, Self.isHex(hex) else { return false }
                        index += 1
                    }
                default: return false
                }
            default: continue
            }
        }
        return false
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { bytes[index..<(index + count)].elementsEqual($0) }
        if matches { index += count }
        return matches
    }

    private mutating func number() -> Bool {
        _ = take(UInt8(ascii: "-"))
        if take(UInt8(ascii: "0")) {
        } else {
            guard digits() else { return false }
        }
        if take(UInt8(ascii: ".")) { guard digits() else { return false } }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() else { return false }
        }
        return true
    }

    private mutating func digits() -> Bool {
        let start = index
        while let byte = current, byte >= 0x30 && byte <= 0x39 { index += 1 }
        return index > start
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
}

/// A state's last run: the record as this process recorded it, or the JSON state.json held for it,
/// decoded when first asked for (not kept: the few readers of a canary not run this time read it
/// once). Boxed, so a state in a dictionary is small (the record inline was most of its bytes).
final class LastRun: Sendable {
    private enum Content: Sendable {
        // Boxed: a record inline is 260 bytes, which every state read from state.json carried
        // beside its JSON (2.6 MB at 10,000 canaries).
        indirect case record(RunRecord)
        case json([UInt8])
    }

    private let content: Content

    init(_ record: RunRecord) {
        content = .record(record)
    }

    init(json: [UInt8]) {
        content = .json(json)
    }

    /// The JSON as read (checked to be JSON, not to be a record); nil for a record of this process.
    var json: [UInt8]? {
        if case .json(let bytes) = content { bytes } else { nil }
    }

    /// nil when the JSON read is not a record (a hand-edited file): the state then has no last run.
    var record: RunRecord? {
        switch content {
        case .record(let record): record
        case .json(let json): try? JSONDecoder().decode(RunRecord.self, from: Data(json))
        }
    }
}

/// The JSON of a last run kept as read, written back as it is by `RecordJSON`; other encoders get
/// the record decoded.
struct RawRecordJSON: Encodable {
    let bytes: [UInt8]

    func encode(to encoder: any Encoder) throws {
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(bytes))
        try record.encode(to: encoder)
    }
}
