/// When a canary runs under `canary schedule`.
public enum Schedule: Sendable, Equatable, CustomStringConvertible {
    /// `rate(N unit)`: every N units, N ≥ 1.
    case rate(Duration, source: String)
    /// `cron(m h dom mon dow)`, 5 fields, UTC.
    case cron(CronExpression)

    public var description: String {
        switch self {
        case .rate(_, let source): return source
        case .cron(let expression): return expression.source
        }
    }
}

/// A parsed 5-field cron expression (UTC). Each field is the set of allowed values.
public struct CronExpression: Sendable, Equatable {
    public var source: String
    public var minutes: Set<Int>       // 0-59
    public var hours: Set<Int>         // 0-23
    public var daysOfMonth: Set<Int>   // 1-31
    public var months: Set<Int>        // 1-12
    public var daysOfWeek: Set<Int>    // 0-6, Sunday = 0 (7 accepted as Sunday when parsing)
    /// Whether day-of-month / day-of-week were `*`: cron ORs the two day fields when both are restricted.
    public var daysOfMonthIsWildcard: Bool
    public var daysOfWeekIsWildcard: Bool
    public init(
        source: String, minutes: Set<Int>, hours: Set<Int>, daysOfMonth: Set<Int>, months: Set<Int>,
        daysOfWeek: Set<Int>, daysOfMonthIsWildcard: Bool, daysOfWeekIsWildcard: Bool
    ) {
        self.source = source
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.daysOfMonthIsWildcard = daysOfMonthIsWildcard
        self.daysOfWeekIsWildcard = daysOfWeekIsWildcard
    }
}
