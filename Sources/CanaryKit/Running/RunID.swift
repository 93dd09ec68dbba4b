import Foundation

/// Run identifiers and timestamps: `20261122T142841Z-3f9a`, sortable by time.
public enum RunID {
    /// The 4 hex digits after the second are the millisecond × 64 plus 6 random bits (at most
    /// 63,999 < 0xffff), so runs started within one second still sort by time: `--keep` prunes and
    /// `--last` picks by name. Ids written before (4 random hex digits) keep the same shape.
    static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let millisecond = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let value = millisecond * 64 + Int.random(in: 0..<64, using: &generator)
        let suffix = String(value, radix: 16)
        return compactUTC(date) + "-" + String(repeating: "0", count: 4 - suffix.count) + suffix
    }

    /// Whether `name` is a run folder's (`20261122T142841Z-3f9a`), or one being written
    /// (`.partial-` and a run id): the only names prune removes.
    static func isRunFolderName(_ name: String) -> Bool {
        let id = name.hasPrefix(ResultsStore.partialPrefix) ? name.dropFirst(ResultsStore.partialPrefix.count) : Substring(name)
        let bytes = Array(id.utf8)
        guard bytes.count == 21, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"), bytes[16] == UInt8(ascii: "-") else { return false }
        let digits = bytes[0..<8] + bytes[9..<15]
        let isHex = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) }
        return digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } && bytes[17...].allSatisfy(isHex)
    }

    /// `20261122T142841Z`
    static func compactUTC(_ date: Date) -> String {
        let c = utcComponents(date)
        guard (0...9999).contains(c.year) else {
            return padded(c.year, 4) + padded(c.month) + padded(c.day) + "T" + padded(c.hour) + padded(c.minute) + padded(c.second) + "Z"
        }
        return formatted("0000000000000000", [(c.year, 0, 4), (c.month, 4, 2), (c.day, 6, 2), (c.hour, 9, 2), (c.minute, 11, 2), (c.second, 13, 2)],
                         marks: [(8, UInt8(ascii: "T")), (15, UInt8(ascii: "Z"))])
    }

    /// `2026-11-22T14:28:41.123Z`
    public static func iso8601(_ date: Date) -> String {
        let c = utcComponents(date)
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        guard (0...9999).contains(c.year), millis >= 0 else {
            return padded(c.year, 4) + "-" + padded(c.month) + "-" + padded(c.day) + "T" + padded(c.hour) + ":"
                + padded(c.minute) + ":" + padded(c.second) + "." + padded(millis, 3) + "Z"
        }
        return formatted("0000-00-00T00:00:00.000Z", [(c.year, 0, 4), (c.month, 5, 2), (c.day, 8, 2), (c.hour, 11, 2), (c.minute, 14, 2),
                                                     (c.second, 17, 2), (millis, 20, 3)], marks: [])
    }

    /// `template` with each (value, offset, width) written over it as zero-padded decimal digits
    /// (values that fit their width) and each mark's byte set: one String, no concatenation (every
    /// record has several timestamps, and the pieces' Strings were a visible part of recording).
    private static func formatted(_ template: StaticString, _ fields: [(value: Int, offset: Int, width: Int)], marks: [(offset: Int, byte: UInt8)]) -> String {
        var bytes = template.withUTF8Buffer { Array($0) }
        for field in fields {
            var value = field.value
            for index in stride(from: field.offset + field.width - 1, through: field.offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        for mark in marks { bytes[mark.offset] = mark.byte }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `7` as `07`. Every record has several timestamps: String(format:) cost more than the rest
    /// of formatting a record.
    static func padded(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Reads what `compactUTC` writes (`20261122T142841Z`); nil for anything else.
    static func date(fromCompact text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        let chars = Array(text)
        let part = { (from: Int, to: Int) -> String in String(chars[from..<to]) }
        let date: String = part(0, 4) + "-" + part(4, 6) + "-" + part(6, 8)
        let time: String = part(9, 11) + ":" + part(11, 13) + ":" + part(13, 15)
        let t = date + "T" + time + "Z"
        return try? Date.ISO8601FormatStyle().parse(t)
    }

    /// Reads what `iso8601` writes (the fraction optional, as older or hand-made records may lack it).
    public static func date(fromISO8601 text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    private static func utcComponents(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
