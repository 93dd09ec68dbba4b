import Foundation

/// Label names and timestamps for the Prometheus renderer.
enum PrometheusLabels {
    /// Labels our metrics use themselves, plus the Pushgateway's grouping labels: a tag with one of
    /// these names would collide, so it becomes `tag_<name>`.
    static let reserved: Set<String> = ["canary", "step", "phase", "state", "result", "job", "instance"]

    /// Tags as labels, sorted by tag name. Names are made to match `[a-zA-Z_][a-zA-Z0-9_]*`
    /// (other characters become `_`); names that are reserved, start with `__` (reserved by
    /// Prometheus) or with a digit get a `tag_` prefix; two tags that end up with one name are
    /// told apart by `_2`, `_3`, … in tag-name order, since a label may appear only once.
    static func tagLabels(_ tags: [String: String]) -> [(name: String, value: String)] {
        var used = reserved
        var labels: [(name: String, value: String)] = []
        for key in tags.keys.sorted() {
            let base = labelName(forTag: key)
            var name = base
            var suffix = 2
            while used.contains(name) {
                name = "\(base)_\(suffix)"
                suffix += 1
            }
            used.insert(name)
            labels.append((name, tags[key] ?? ""))
        }
        return labels
    }

    static func labelName(forTag tag: String) -> String {
        var name = ""
        for scalar in tag.unicodeScalars {
            let allowed = scalar.isASCII && (scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            name.unicodeScalars.append(allowed ? scalar : "_")
        }
        let startsWithDigit = name.unicodeScalars.first.map { ("0"..."9").contains($0) } ?? false
        if name.isEmpty || startsWithDigit || name.hasPrefix("__") || reserved.contains(name) {
            return "tag_" + name
        }
        return name
    }

    /// Seconds since 1970 of an ISO 8601 UTC time as the runner writes it
    /// (`2026-11-22T14:28:41.123Z`, fraction optional), rounded to the millisecond so that the
    /// text shows `1795357721.123` rather than the binary float's noise.
    static func unixTime(iso8601 text: String) -> Double? {
        guard let date = RunID.date(fromISO8601: text) else { return nil }
        return (date.timeIntervalSince1970 * 1000).rounded() / 1000
    }
}
