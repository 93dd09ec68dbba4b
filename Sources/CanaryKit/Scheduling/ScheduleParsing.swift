import Foundation

/// Why a `schedule` string is not a valid `rate(…)` or `cron(…)` expression.
public struct ScheduleSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Schedule {
    /// Parses `rate(N second(s)|minute(s)|hour(s)|day(s))` (N ≥ 1) or `cron(m h dom mon dow)` (UTC).
    public static func parse(_ text: String) throws(ScheduleSyntaxError) -> Schedule {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        guard trimmed.hasSuffix(")"), let open = trimmed.firstIndex(of: "(") else {
            throw ScheduleSyntaxError(message: "'\(text)' is not a schedule; write rate(5 minutes) or cron(*/5 * * * *)")
        }
        let body = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        if lowered.hasPrefix("rate(") { return try parseRate(body, source: trimmed) }
        if lowered.hasPrefix("cron(") { return .cron(try CronExpression.parse(fields: body, source: trimmed)) }
        let kind = String(trimmed[..<open])
        throw ScheduleSyntaxError(message: "unknown schedule kind '\(kind)'\(NameSuggestion.aside(for: kind, among: ["rate", "cron"])); write rate(…) or cron(…)")
    }

    /// When the canary should next run, strictly after `date` (UTC). nil when a cron expression
    /// matches no date in the next 400 years.
    public func nextFire(after date: Date) -> Date? {
        switch self {
        case .rate(let interval, _): return date.addingTimeInterval(interval.milliseconds / 1000)
        case .cron(let expression): return expression.nextFire(after: date)
        }
    }

    private static let rateUnits: [(names: [String], seconds: Int64)] = [
        (["second", "seconds"], 1), (["minute", "minutes"], 60), (["hour", "hours"], 3600), (["day", "days"], 86_400),
    ]

    private static func parseRate(_ body: String, source: String) throws(ScheduleSyntaxError) -> Schedule {
        let words = body.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count == 2 else {
            throw ScheduleSyntaxError(message: "'\(source)': expected rate(N unit), e.g. rate(5 minutes)")
        }
        guard let count = Int64(words[0]), count >= 1, count <= 1_000_000 else {
            throw ScheduleSyntaxError(message: "'\(source)': the rate must be a whole number from 1 to 1000000, found '\(words[0])'")
        }
        let unitName = words[1].lowercased()
        guard let unit = rateUnits.first(where: { $0.names.contains(unitName) }) else {
            let hint = NameSuggestion.aside(for: unitName, among: rateUnits.flatMap(\.names))
            throw ScheduleSyntaxError(message: "'\(source)': unknown unit '\(words[1])'\(hint); use second(s), minute(s), hour(s) or day(s)")
        }
        return .rate(.seconds(count * unit.seconds), source: source)
    }
}
