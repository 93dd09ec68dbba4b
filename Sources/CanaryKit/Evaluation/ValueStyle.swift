/// How values read in failure messages: numbers of duration queries carry their unit, long
/// actual values are cut short, and a missing value says why it is missing.
struct ValueStyle: Sendable {
    enum Unit: Sendable {
        case plain
        /// Durations and timings: `1234ms`.
        case milliseconds
        /// Certificate lifetimes, still measured in ms but read in days: `9.5d`.
        case days
    }

    var unit: Unit = .plain
    /// Why the query found no value, shown as `nothing (…)`.
    var missingReason: String = "no value"
    /// Masks secrets in actual values before they are cut to `actualLimit` (a secret straddling
    /// the cut must not survive in part).
    var redactor = Redactor(secrets: [])

    /// Actual values longer than this are truncated in messages (a body can be megabytes).
    static let actualLimit = 200

    /// An operand or a value, in the query's unit.
    func text(_ value: JSONValue) -> String {
        guard case .number(let number) = value else { return value.displayText }
        switch unit {
        case .plain: return JSONValue.numberText(number)
        case .milliseconds: return Self.decimal(number, places: 2) + "ms"
        case .days: return Self.decimal(number / 86_400_000, places: 2) + "d"
        }
    }

    /// The actual value, cut to `actualLimit` characters with a marker saying how long it was.
    /// Masked before it is quoted (quoting escapes `"` and `\` a second time) and before it is cut.
    func actualText(_ value: JSONValue, limit: Int = actualLimit) -> String {
        redactor.maskedPrefix(text(masked(value)), characters: limit)
    }

    /// Every string (and key) of `value` with its secrets masked.
    private func masked(_ value: JSONValue) -> JSONValue {
        guard !redactor.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .array(let elements): return .array(elements.map(masked))
        case .object(let pairs): return .object(pairs.map { (redactor.redact($0.key), masked($0.value)) })
        case .null, .bool, .number: return value
        }
    }

    /// The actual value with its kind, for comparisons between different kinds: `string "abc"`.
    func kindedText(_ value: JSONValue) -> String {
        if case .null = value { return "null" }
        return "\(value.typeName) \(actualText(value))"
    }

    var missingText: String { "nothing (\(missingReason))" }

    static func truncated(_ text: String, masking redactor: Redactor = Redactor(secrets: [])) -> String {
        redactor.maskedPrefix(text, characters: actualLimit)
    }

    /// At most `places` decimals, trailing zeros dropped: 1234, 0.42, 9.5.
    static func decimal(_ number: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (number * scale).rounded() / scale
        return JSONValue.numberText(rounded)
    }
}
