import Foundation

/// Renders canary metrics in the Prometheus text exposition format (0.0.4), as `promtool check
/// metrics`, node_exporter's textfile collector and the Pushgateway read it.
///
/// Families come in the order of `MetricFamily.allCases`, each with its HELP and TYPE lines and
/// all of its samples together; canaries are sorted by name (for two with one name, the later one
/// wins, since one series may appear only once). Families without any sample are left out.
public enum PrometheusText {
    /// The `metrics.prom` text for these canaries.
    public static func render(_ canaries: [CanaryMetrics]) -> String {
        render(canaries, canaryLabel: true)
    }

    /// Rewrites `<directory>/metrics.prom` atomically: node_exporter's textfile collector may read
    /// it at any moment and must see the old file or the new one, never half of one.
    public static func write(_ canaries: [CanaryMetrics], to directory: String) throws {
        try FileIO.makeDirectory(directory)
        let path = (directory as NSString).appendingPathComponent("metrics.prom")
        try FileIO.writeAtomically(Array(render(canaries).utf8), to: path)
    }

    /// `canaryLabel: false` leaves the `canary` label out, for a Pushgateway push whose grouping
    /// key already carries it.
    static func render(_ canaries: [CanaryMetrics], canaryLabel: Bool) -> String {
        var byName: [String: CanaryMetrics] = [:]
        for canary in canaries { byName[canary.canary] = canary }
        let sorted = byName.keys.sorted().compactMap { byName[$0] }
        var out = ""
        for family in MetricFamily.allCases {
            let samples = sorted.flatMap { family.samples(of: $0) }
            guard !samples.isEmpty else { continue }
            out += "# HELP \(family.name) \(family.help)\n"
            out += "# TYPE \(family.name) \(family.type)\n"
            for sample in samples {
                out += line(family.name, sample, canaryLabel: canaryLabel)
            }
        }
        return out
    }

    private static func line(_ name: String, _ sample: MetricSample, canaryLabel: Bool) -> String {
        let labels = sample.labels.filter { canaryLabel || $0.name != "canary" }
        let value = formatValue(sample.value)
        guard !labels.isEmpty else { return "\(name) \(value)\n" }
        let text = labels.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",")
        return "\(name){\(text)} \(value)\n"
    }

    /// Label values may hold anything but must escape backslash, double quote and newline.
    static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Go's `strconv.ParseFloat` spelling, which Prometheus parses: `NaN`, `+Inf`, `-Inf`,
    /// integers without a fraction, otherwise Swift's shortest round-trip form (`0.312`, `1e-05`).
    static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
