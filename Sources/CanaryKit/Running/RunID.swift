import Foundation

/// Run identifiers and timestamps: `20261122T142841Z-3f9a`, sortable by time.
public enum RunID {
    static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = String(UInt16.random(in: 0...UInt16.max, using: &generator), radix: 16)
        let padded = String(repeating: "0", count: 4 - suffix.count) + suffix
        return compactUTC(date) + "-" + padded
    }

    /// `20261122T142841Z`
    static func compactUTC(_ date: Date) -> String {
        let c = utcComponents(date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    /// `2026-11-22T14:28:41.123Z`
    public static func iso8601(_ date: Date) -> String {
        let c = utcComponents(date)
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day, c.hour, c.minute, c.second, millis)
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
