import Foundation

extension CronExpression {
    /// The first whole minute strictly after `date` that matches (UTC), or nil when none does
    /// within 400 years (the Gregorian cycle, so a 400-year miss means never).
    func nextFire(after date: Date) -> Date? {
        let startMinute = Int64((date.timeIntervalSince1970 / 60).rounded(.down)) + 1
        var day = CivilDate(dayNumber: Self.floorDivide(startMinute, 1440))
        var minuteOfDay = Int(startMinute - day.dayNumber * 1440)
        let lastDay = day.dayNumber + 146_097
        while day.dayNumber <= lastDay {
            guard months.contains(day.month) else {
                day = CivilDate(year: day.month == 12 ? day.year + 1 : day.year, month: day.month % 12 + 1, day: 1)
                minuteOfDay = 0
                continue
            }
            if matchesDay(day), let minute = firstMinute(from: minuteOfDay) {
                return Date(timeIntervalSince1970: TimeInterval((day.dayNumber * 1440 + Int64(minute)) * 60))
            }
            day = CivilDate(dayNumber: day.dayNumber + 1)
            minuteOfDay = 0
        }
        return nil
    }

    /// Cron's day rule: when both day fields are restricted, either may match; otherwise both must.
    func matchesDay(_ day: CivilDate) -> Bool {
        let monthDay = daysOfMonth.contains(day.day)
        let weekDay = daysOfWeek.contains(day.weekday)
        if !daysOfMonthIsWildcard, !daysOfWeekIsWildcard { return monthDay || weekDay }
        return monthDay && weekDay
    }

    /// The first matching minute of a day at or after `minuteOfDay`.
    private func firstMinute(from minuteOfDay: Int) -> Int? {
        for hour in hours.sorted() where hour >= minuteOfDay / 60 {
            let from = hour == minuteOfDay / 60 ? minuteOfDay % 60 : 0
            if let minute = minutes.sorted().first(where: { $0 >= from }) { return hour * 60 + minute }
        }
        return nil
    }

    /// Rejects expressions that can never fire, like `0 0 30 2 *` (when the day-of-week field
    /// is `*`, every listed day of month must fall outside every listed month).
    func checkCanFire() throws(ScheduleSyntaxError) {
        guard !daysOfMonthIsWildcard, daysOfWeekIsWildcard else { return }
        let longest = months.map { CivilDate.daysIn(month: $0, leapYear: true) }.max() ?? 0
        guard let first = daysOfMonth.min(), first > longest else { return }
        throw ScheduleSyntaxError(message: "'\(source)' never fires: no listed month has day \(first)")
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}

/// A proleptic Gregorian date in UTC, by days since 1970-01-01 (Howard Hinnant's algorithms),
/// so that cron arithmetic needs neither Calendar nor time zones.
struct CivilDate: Equatable {
    var year: Int64
    var month: Int
    var day: Int
    var dayNumber: Int64

    init(dayNumber: Int64) {
        let shifted = dayNumber + 719_468
        let era = CronExpression.floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.dayNumber = dayNumber
    }

    init(year: Int64, month: Int, day: Int) {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = CronExpression.floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        self.init(dayNumber: era * 146_097 + dayOfEra - 719_468)
    }

    /// 0 = Sunday; 1970-01-01 was a Thursday.
    var weekday: Int { Int((CronExpression.floorDivide(dayNumber, 7) * -7 + dayNumber + 4) % 7) }

    static func daysIn(month: Int, leapYear: Bool) -> Int {
        switch month {
        case 2: return leapYear ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
