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
        render(canaries, omitting: [])
    }

    /// Rewrites `<directory>/metrics.prom` atomically: node_exporter's textfile collector may read
    /// it at any moment and must see the old file or the new one, never half of one.
    /// `trailer` is more text in the same format to end the file with (the scheduler's own series).
    public static func write(_ canaries: [CanaryMetrics], to directory: String, trailer: String = "") throws {
        try FileIO.makeDirectory(directory)
        let path = LocalPath.join(directory, "metrics.prom")
        // 0644: it holds names and numbers only, and node_exporter (another user) reads it.
        try FileIO.writeAtomically(to: path, mode: 0o644) { (out: inout FileIO.ChunkedOutput) throws(RecordingError) in
            var pending: [UInt8] = []
            try renderBytes(canaries, omitting: [], into: &pending) { (full: inout [UInt8]) throws(RecordingError) in
                try out.append(full)
                full.removeAll(keepingCapacity: true)
            }
            try out.append(pending)
            try out.append(Array(trailer.utf8))
        }
    }

    /// `omitting` leaves those labels out, for a Pushgateway push whose grouping key already
    /// carries them (`canary`, `location`).
    static func render(_ canaries: [CanaryMetrics], omitting: Set<String>) -> String {
        var out: [UInt8] = []
        renderBytes(canaries, omitting: omitting, into: &out) { _ in }
        return String(decoding: out, as: UTF8.self)
    }

    /// Straight into bytes, one canary's samples at a time: for 10,000 canaries (10 MB of text)
    /// the samples of a whole family and a String copy of the text doubled the run's peak memory.
    /// `drain` is handed `out` after each canary's samples, to write and empty it if it likes.
    static func renderBytes<Failure: Error>(
        _ canaries: [CanaryMetrics], omitting: Set<String>, into out: inout [UInt8], drain: (inout [UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        // Positions, not copies: two copies of 10,000 canaries' metrics were 14 MB of the peak.
        var latest: [String: Int] = [:]
        for index in canaries.indices { latest[canaries[index].canary] = index }
        let sorted = latest.sorted { $0.key < $1.key }.map(\.value)
        latest = [:]
        // Each canary's own labels once, not once per family and sample.
        let prefixes = sorted.map { labelPrefix(of: canaries[$0], omitting: omitting) }
        for family in MetricFamily.allCases {
            var header = header(family)
            let name = Array(family.name.utf8)
            for (index, prefix) in zip(sorted, prefixes) {
                let start = out.count
                appendLines(family, named: name, of: canaries[index], prefix: prefix, omitting: omitting, to: &out)
                if out.count > start, !header.isEmpty {
                    out.insert(contentsOf: header, at: start)
                    header = []
                }
                if out.count >= 1 << 16 { try drain(&out) }
            }
        }
    }

    /// A family's HELP and TYPE lines, written before its first sample.
    static func header(_ family: MetricFamily) -> [UInt8] {
        Array("# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n".utf8)
    }

    /// One canary's sample lines of `family` (none when it has no sample of it).
    static func appendLines(_ family: MetricFamily, of canary: CanaryMetrics, omitting: Set<String> = [], to out: inout [UInt8]) {
        appendLines(family, named: Array(family.name.utf8), of: canary, prefix: labelPrefix(of: canary, omitting: omitting), omitting: omitting, to: &out)
    }

    /// Every family's lines of `canary`, in `MetricFamily.allCases` order; `familyEnded` is called
    /// after each. The labels every sample begins with are escaped once, not once per family (per
    /// family they were a sixth of rendering a canary's lines in `canary schedule`'s flushes).
    static func appendAllLines(of canary: CanaryMetrics, to out: inout [UInt8], familyEnded: (inout [UInt8]) -> Void) {
        let prefix = labelPrefix(of: canary, omitting: [])
        for (family, name) in zip(MetricFamily.allCases, familyNames) {
            appendLines(family, named: name, of: canary, prefix: prefix, omitting: [], to: &out)
            familyEnded(&out)
        }
    }

    private static let familyNames = MetricFamily.allCases.map { Array($0.name.utf8) }

    /// `canary="…",tag="…"`: the labels every sample of `canary` begins with (without braces).
    static func labelPrefix(of canary: CanaryMetrics, omitting: Set<String>) -> [UInt8] {
        var out: [UInt8] = []
        for label in [("canary", canary.canary)] + PrometheusLabels.tagLabels(canary.tags) where !omitting.contains(label.0) {
            appendLabel(label.0, label.1, comma: !out.isEmpty, to: &out)
        }
        return out
    }

    /// The lines of `family.samples(of: canary)`, written straight to bytes.
    private static func appendLines(
        _ family: MetricFamily, named name: [UInt8], of canary: CanaryMetrics, prefix: [UInt8], omitting: Set<String>, to out: inout [UInt8]
    ) {
        family.forEachSample(of: canary) { extra, value in
            out += name
            var empty = prefix.isEmpty
            if !empty { out.append(UInt8(ascii: "{")); out += prefix }
            func add(_ label: (name: String, value: String)?) {
                guard let label, omitting.isEmpty || !omitting.contains(label.name) else { return }
                if empty { out.append(UInt8(ascii: "{")) }
                appendLabel(label.name, label.value, comma: !empty, to: &out)
                empty = false
            }
            add(extra.first)
            add(extra.second)
            if !empty { out.append(UInt8(ascii: "}")) }
            out.append(UInt8(ascii: " "))
            out += formatValue(value).utf8
            out.append(UInt8(ascii: "\n"))
        }
    }

    private static func appendLabel(_ name: String, _ value: String, comma: Bool, to out: inout [UInt8]) {
        if comma { out.append(UInt8(ascii: ",")) }
        out += name.utf8
        out += "=\"".utf8
        appendEscaped(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Rewrites `<directory>/metrics.prom` from lines rendered before (`appendLines`), as `write`
    /// does: `families` holds every canary's lines of each family of `MetricFamily.allCases`, in
    /// name order.
    static func write(families: [[UInt8]], to directory: String, trailer: String) throws {
        try FileIO.makeDirectory(directory)
        try FileIO.writeAtomically(to: LocalPath.join(directory, "metrics.prom"), mode: 0o644) { (out: inout FileIO.ChunkedOutput) throws(RecordingError) in
            for (family, lines) in zip(MetricFamily.allCases, families) where !lines.isEmpty {
                try out.append(header(family))
                try out.append(lines)
            }
            try out.append(Array(trailer.utf8))
        }
    }

    /// `escapeLabelValue(value)`'s bytes appended to `out`; a value with nothing to escape (most)
    /// is copied whole, without building a String of it.
    static func appendEscaped(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                let escaped: StaticString
                switch byte {
                case UInt8(ascii: "\\"): escaped = "\\\\"
                case UInt8(ascii: "\""): escaped = "\\\""
                case UInt8(ascii: "\n"): escaped = "\\n"
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escaped.withUTF8Buffer { out.append(contentsOf: $0) }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
    }

    /// Label values may hold anything but must escape backslash, double quote and newline.
    static func escapeLabelValue(_ value: String) -> String {
        var out: [UInt8] = []
        appendEscaped(value, to: &out)
        return String(decoding: out, as: UTF8.self)
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
