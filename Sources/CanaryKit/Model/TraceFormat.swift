/// A trace context header format a step's request carries (`--trace`, the canary file's `trace`).
public enum TraceFormat: String, Sendable, CaseIterable, Codable {
    /// W3C Trace Context: `traceparent: 00-<trace id>-<span id>-01`.
    case w3c
    /// AWS X-Ray: `X-Amzn-Trace-Id: Root=1-<8 hex>-<24 hex>;Parent=<span id>;Sampled=1`.
    case xray
    /// Zipkin B3, single header: `b3: <trace id>-<span id>-1`.
    case b3

    /// Without `--trace` or a `trace` key: W3C only.
    public static let standard: [TraceFormat] = [.w3c]

    /// `w3c,xray,b3` (any of them, in any order) or `none`; nil when a word is none of these.
    public static func list(_ text: String) -> [TraceFormat]? {
        let words = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if words == ["none"] { return [] }
        guard !words.isEmpty else { return nil }
        var formats: [TraceFormat] = []
        for word in words {
            guard let format = TraceFormat(rawValue: word) else { return nil }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats
    }

    /// What `list` accepts, for messages.
    public static let choices = "w3c, xray and b3 (comma-separated), or none"
}
