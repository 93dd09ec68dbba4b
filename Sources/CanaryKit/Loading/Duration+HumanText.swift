extension Duration {
    /// Units of canary-file durations, largest first, in milliseconds.
    static let humanUnits: [(suffix: String, milliseconds: Double)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Parses `250ms`, `5s`, `1.5s`, `2m`, `1h`, `14d`: a non-negative decimal and a unit, no spaces.
    /// nil for anything else, including values beyond a thousand years.
    public init?(humanText: String) {
        let text = humanText.utf8
        guard let unitStart = text.firstIndex(where: { !($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") || $0 == UInt8(ascii: ".")) }) else {
            return nil
        }
        let number = String(humanText[..<unitStart])
        let suffix = String(humanText[unitStart...])
        // Digits, optionally one point followed by digits: "1.5", not ".5", "1." or "1.2.3".
        let pieces = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty }),
            let value = Double(number),
            let unit = Self.humanUnits.first(where: { $0.suffix == suffix })
        else { return nil }
        let milliseconds = value * unit.milliseconds
        guard milliseconds <= 1000 * 365.25 * 86_400_000 else { return nil }
        self = Duration(milliseconds: milliseconds)
    }

    /// A duration of `milliseconds` (finite, non-negative), to the nearest nanosecond.
    init(milliseconds: Double) {
        let seconds = (milliseconds / 1000).rounded(.down)
        let nanoseconds = ((milliseconds - seconds * 1000) * 1_000_000).rounded()
        self = .seconds(Int64(seconds)) + .nanoseconds(Int64(nanoseconds))
    }

    /// The length in milliseconds, with fractions.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// The one way durations are written for people: `250ms`, `1.5s`, `2m`, `14d`. Uses the largest
    /// unit that shows the value exactly (up to 3 decimals for seconds, 2 for larger units).
    public var humanText: String {
        let total = milliseconds
        guard total.isFinite else { return "\(total)ms" }
        let magnitude = abs(total)
        for (suffix, unit) in Self.humanUnits where unit >= 1000 && magnitude >= unit {
            let scale = unit == 1000 ? 1000.0 : 100.0
            let scaled = total / unit * scale
            if abs(scaled - scaled.rounded()) < 1e-6 {
                return Self.trimmed(scaled.rounded() / scale) + suffix
            }
        }
        if magnitude >= 1000 {
            return Self.trimmed((total / 1000 * 1000).rounded() / 1000) + "s"
        }
        return Self.trimmed((total * 1000).rounded() / 1000) + "ms"
    }

    /// `1.5` → "1.5", `2.0` → "2", at most three decimals.
    private static func trimmed(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format3: value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

extension String {
    /// Three decimals without Foundation's locale-dependent formatting.
    fileprivate init(format3 value: Double) {
        let thousandths = Int64((abs(value) * 1000).rounded())
        let sign = value < 0 ? "-" : ""
        let fraction = String(thousandths % 1000)
        self = "\(sign)\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
