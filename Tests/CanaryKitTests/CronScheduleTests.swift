import Foundation
import Testing
@testable import CanaryKit

/// "2024-02-28T23:59:00Z" → Date, for readable tables.
private func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: text) ?? Date(timeIntervalSince1970: 0)
}

private func text(_ date: Date?) -> String {
    guard let date else { return "never" }
    return ISO8601DateFormatter().string(from: date)
}

@Suite("Schedules")
struct CronScheduleTests {
    @Test("rate(N unit) parses singular and plural units for any N ≥ 1", arguments: [
        ("rate(1 minute)", 60), ("rate(1 minutes)", 60), ("rate(5 minutes)", 300), ("rate(2 minute)", 120),
        ("rate(30 seconds)", 30), ("rate(1 second)", 1), ("rate(1 hour)", 3600), ("rate(3 hours)", 10_800),
        ("rate(1 day)", 86_400), ("rate(2 days)", 172_800), ("  rate( 10 Minutes ) ", 600),
    ])
    func rates(text: String, seconds: Int64) throws {
        guard case .rate(let interval, _) = try Schedule.parse(text) else { Issue.record("not a rate"); return }
        #expect(interval == .seconds(seconds))
    }

    @Test("rate next fire is the time plus the interval")
    func rateNextFire() throws {
        let schedule = try Schedule.parse("rate(5 minutes)")
        #expect(schedule.nextFire(after: utc("2026-01-01T00:00:30Z")) == utc("2026-01-01T00:05:30Z"))
    }

    @Test("cron fields expand lists, ranges, steps, names and Sunday as 0 or 7", arguments: [
        ("cron(*/15 * * * *)", "minutes", [0, 15, 30, 45]),
        ("cron(5/20 * * * *)", "minutes", [5, 25, 45]),
        ("cron(1,2,10-12 * * * *)", "minutes", [1, 2, 10, 11, 12]),
        ("cron(0 9-17/4 * * *)", "hours", [9, 13, 17]),
        ("cron(0 0 1-31/10 * *)", "daysOfMonth", [1, 11, 21, 31]),
        ("cron(0 0 * JAN,mar-May *)", "months", [1, 3, 4, 5]),
        ("cron(0 0 * * MON-FRI)", "daysOfWeek", [1, 2, 3, 4, 5]),
        ("cron(0 0 * * 7)", "daysOfWeek", [0]),
        ("cron(0 0 * * 5-7)", "daysOfWeek", [5, 6, 0]),
        ("cron(0 0 * * *)", "daysOfWeek", [0, 1, 2, 3, 4, 5, 6]),
    ] as [(String, String, [Int])])
    func cronFields(text: String, field: String, values: [Int]) throws {
        guard case .cron(let expression) = try Schedule.parse(text) else { Issue.record("not cron"); return }
        let sets = [
            "minutes": expression.minutes, "hours": expression.hours, "daysOfMonth": expression.daysOfMonth,
            "months": expression.months, "daysOfWeek": expression.daysOfWeek,
        ]
        #expect(sets[field] == Set(values))
    }

    @Test("a day field starting with '*' counts as unrestricted for the day OR rule", arguments: [
        ("cron(0 0 * * 1)", true, false), ("cron(0 0 */2 * 1)", true, false),
        ("cron(0 0 13 * *)", false, true), ("cron(0 0 13 * FRI)", false, false), ("cron(0 0 ? * 1)", true, false),
    ])
    func wildcards(text: String, dayOfMonthWildcard: Bool, dayOfWeekWildcard: Bool) throws {
        guard case .cron(let expression) = try Schedule.parse(text) else { Issue.record("not cron"); return }
        #expect(expression.daysOfMonthIsWildcard == dayOfMonthWildcard)
        #expect(expression.daysOfWeekIsWildcard == dayOfWeekWildcard)
    }

    @Test("bad schedules are rejected with a reason", arguments: [
        ("every minute", "is not a schedule"),
        ("rate(0 minutes)", "from 1 to 1000000"),
        ("rate(5)", "expected rate(N unit)"),
        ("rate(5 minuts)", "unknown unit 'minuts' (did you mean 'minute'?); use second(s)"),
        ("rate(1.5 hours)", "whole number"),
        ("crom(* * * * *)", "unknown schedule kind 'crom' (did you mean 'cron'?)"),
        ("cron(* * * *)", "cron takes 5 fields"),
        ("cron(* * * * * *)", "found 6"),
        ("cron(60 * * * *)", "minute field '60': '60' is not a minute (0-59)"),
        ("cron(* 24 * * *)", "'24' is not a hour (0-23)"),
        ("cron(* * 0 * *)", "day of month field '0'"),
        ("cron(* * * 13 *)", "'13' is not a month (1-12 or JAN-DEC)"),
        ("cron(* * * * 8)", "'8' is not a day of week (0-7 or SUN-SAT)"),
        ("cron(* * * * MOM)", "did you mean 'MON'?"),
        ("cron(*/0 * * * *)", "the step after '/' must be a whole number ≥ 1"),
        ("cron(5-1 * * * *)", "the range goes backwards"),
        ("cron(1,,2 * * * *)", "minute field ''"),
        ("cron(0 0 30 2 *)", "never fires: no listed month has day 30"),
        ("cron(0 0 31 4,6 *)", "never fires"),
    ])
    func invalid(text: String, message: String) {
        #expect {
            try Schedule.parse(text)
        } throws: { error in
            (error as? ScheduleSyntaxError)?.message.contains(message) ?? false
        }
    }

    @Test("cron next fire (UTC) across hours, month ends, leap days and the day OR rule", arguments: [
        ("cron(*/15 * * * *)", "2026-03-10T10:07:12Z", "2026-03-10T10:15:00Z"),
        ("cron(*/15 * * * *)", "2026-03-10T10:15:00Z", "2026-03-10T10:30:00Z"),
        ("cron(*/15 * * * *)", "2026-03-10T23:59:00Z", "2026-03-11T00:00:00Z"),
        ("cron(0 9 * * *)", "2026-03-10T09:00:00Z", "2026-03-11T09:00:00Z"),
        ("cron(30 8 * * MON-FRI)", "2026-11-20T09:00:00Z", "2026-11-23T08:30:00Z"),   // Friday → Monday
        ("cron(0 0 29 2 *)", "2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("cron(0 0 29 2 *)", "2024-02-28T12:00:00Z", "2024-02-29T00:00:00Z"),
        ("cron(0 12 29 FEB *)", "2096-02-29T13:00:00Z", "2104-02-29T12:00:00Z"),     // 2100 is no leap year
        ("cron(0 12 28-29 FEB *)", "2100-02-28T13:00:00Z", "2101-02-28T12:00:00Z"),
        ("cron(0 0 31 * *)", "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z"),        // skips February
        ("cron(0 0 31 * *)", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"),        // skips April
        ("cron(0 0 31 * *)", "2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z"),        // over the year end
        ("cron(0 0 1 * *)", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("cron(0 0 13 * FRI)", "2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z"),      // OR: a Friday comes first
        ("cron(0 0 13 * FRI)", "2026-11-07T00:00:00Z", "2026-11-13T00:00:00Z"),
        ("cron(0 0 13 * 1)", "2026-11-10T00:00:00Z", "2026-11-13T00:00:00Z"),        // OR: the 13th comes first
        ("cron(0 0 */2 * 1)", "2026-11-01T12:00:00Z", "2026-11-09T00:00:00Z"),       // */2 counts as '*': odd day AND Monday
        ("cron(0 0 * * SUN)", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("cron(0 0 * * 7)", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("cron(59 23 31 12 *)", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),
        ("cron(0 0 1 JAN *)", "1969-12-31T23:00:00Z", "1970-01-01T00:00:00Z"),
    ])
    func nextFire(expression: String, after: String, expected: String) throws {
        let schedule = try Schedule.parse(expression)
        #expect(text(schedule.nextFire(after: utc(after))) == expected)
    }

    @Test("Feb 29 after 2096 is in 2104: 2100 is not a leap year")
    func centuryLeapYear() throws {
        let schedule = try Schedule.parse("cron(0 0 29 2 *)")
        #expect(text(schedule.nextFire(after: utc("2096-03-01T00:00:00Z"))) == "2104-02-29T00:00:00Z")
    }

    @Test("the schedule's description is its source text")
    func description() throws {
        #expect(try Schedule.parse("cron(0 9-17 * * MON-FRI)").description == "cron(0 9-17 * * MON-FRI)")
    }
}
