extension CronExpression {
    /// One of the five fields: its name, range, and value names (JAN, MON).
    private struct Field {
        var name: String
        var range: ClosedRange<Int>
        var names: [String] = []
        /// Index of names[0]: JAN is 1, SUN is 0.
        var firstNameValue = 0
    }

    private static let fields = [
        Field(name: "minute", range: 0...59),
        Field(name: "hour", range: 0...23),
        Field(name: "day of month", range: 1...31),
        Field(name: "month", range: 1...12,
              names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], firstNameValue: 1),
        // 7 is Sunday too; folded to 0 after parsing.
        Field(name: "day of week", range: 0...7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ]

    /// Parses the five space-separated fields inside `cron(…)`: `*`, `N`, `A-B`, `*/S`, `A-B/S`,
    /// `A/S`, comma lists, month and day names; `?` is accepted as `*` in the day fields.
    static func parse(fields text: String, source: String) throws(ScheduleSyntaxError) -> CronExpression {
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 5 else {
            throw ScheduleSyntaxError(message: "'\(source)': cron takes 5 fields (minute hour day-of-month month day-of-week), found \(parts.count)")
        }
        var sets: [Set<Int>] = []
        for (part, field) in zip(parts, fields) {
            if part == "?", field.name.hasPrefix("day") {
                sets.append(Set(field.range))
                continue
            }
            sets.append(try parse(part, as: field, source: source))
        }
        // Vixie cron: a day field starting with '*' (even */2) counts as unrestricted for the OR rule.
        let isWildcard = { (text: String) in text.hasPrefix("*") || text == "?" }
        let expression = CronExpression(
            source: source, minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3],
            daysOfWeek: Set(sets[4].map { $0 % 7 }),
            daysOfMonthIsWildcard: isWildcard(parts[2]), daysOfWeekIsWildcard: isWildcard(parts[4]))
        try expression.checkCanFire()
        return expression
    }

    private static func parse(_ text: String, as field: Field, source: String) throws(ScheduleSyntaxError) -> Set<Int> {
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            values.formUnion(try parseItem(String(item), as: field, source: source))
        }
        return values
    }

    /// One list item: a range or `*`, optionally stepped.
    private static func parseItem(_ item: String, as field: Field, source: String) throws(ScheduleSyntaxError) -> Set<Int> {
        let fail = { (why: String) in ScheduleSyntaxError(message: "'\(source)': \(field.name) field '\(item)': \(why)") }
        let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard stepParts.count <= 2 else { throw fail("more than one '/'") }
        var step = 1
        if stepParts.count == 2 {
            guard let value = Int(stepParts[1]), value >= 1 else { throw fail("the step after '/' must be a whole number ≥ 1") }
            step = value
        }
        let rangeText = String(stepParts[0])
        var bounds: ClosedRange<Int>
        if rangeText == "*" {
            bounds = field.range
            if field.name == "day of week" { bounds = 0...6 }
        } else {
            let ends = rangeText.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2 else { throw fail("expected a value or a range A-B") }
            guard let low = value(String(ends[0]), in: field) else { throw fail(valueProblem(String(ends[0]), field)) }
            var high = low
            if ends.count == 2 {
                guard let end = value(String(ends[1]), in: field) else { throw fail(valueProblem(String(ends[1]), field)) }
                high = end
            } else if stepParts.count == 2 {
                // `5/15` means 5, 20, 35, 50: from the value to the end of the range.
                high = field.range.upperBound
            }
            guard low <= high else { throw fail("the range goes backwards (\(low) > \(high))") }
            bounds = low...high
        }
        return Set(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
    }

    private static func value(_ text: String, in field: Field) -> Int? {
        if let index = field.names.firstIndex(of: text.uppercased()) { return index + field.firstNameValue }
        guard let number = Int(text), field.range.contains(number) else { return nil }
        return number
    }

    private static func valueProblem(_ text: String, _ field: Field) -> String {
        let names = field.names.isEmpty ? "" : " or \(field.names.first ?? "")-\(field.names.last ?? "")"
        let hint = field.names.isEmpty ? "" : NameSuggestion.hint(for: text.uppercased(), among: field.names)
        return "'\(text)' is not a \(field.name) (\(field.range.lowerBound)-\(field.range.upperBound)\(names))\(hint)"
    }
}
