import Foundation

/// The pieces of OTLP's JSON encoding (as its spec defines it, not protobuf's default JSON):
/// trace and span ids as hex strings, 64-bit integers as decimal strings, enums as numbers,
/// attributes as `{"key", "value": {"stringValue"|"intValue"|"doubleValue"|"boolValue"}}`.
enum OTLPJSON {
    /// An attribute value.
    enum Value {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
    }

    /// The `resource` object and the `scope` of everything canary exports.
    static func resource(_ attributes: [(key: String, value: String)], to out: RecordJSON.Stream) {
        out.begin("resource")
        self.attributes(attributes.map { ($0.key, .string($0.value)) }, to: out)
        out.end()
    }

    static func scope(to out: RecordJSON.Stream) {
        out.begin("scope")
        out.member("name", "canary")
        out.member("version", CanaryVersion.number)
        out.end()
    }

    /// `"attributes": [...]`; a double that is not finite is left out (JSON has no NaN).
    static func attributes(_ attributes: [(String, Value)], to out: RecordJSON.Stream) {
        out.begin("attributes", array: true)
        for (key, value) in attributes {
            if case .double(let number) = value, !number.isFinite { continue }
            out.begin()
            out.member("key", key)
            out.begin("value")
            switch value {
            case .string(let text): out.member("stringValue", text)
            case .int(let number): out.member("intValue", String(number))
            case .double(let number): out.member("doubleValue", number)
            case .bool(let flag): out.member("boolValue", .bool(flag))
            }
            out.end()
            out.end()
        }
        out.end()
    }

    /// Nanoseconds since 1970 as the decimal string OTLP wants for a fixed64, from our ISO 8601
    /// timestamps (millisecond precision); nil when `text` is not one.
    static func nanos(_ text: String?) -> UInt64? {
        guard let text, let date = RunID.date(fromISO8601: text) else { return nil }
        return nanos(date)
    }

    static func nanos(_ date: Date) -> UInt64 {
        UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded())) * 1_000_000
    }

    static func member(_ key: String, nanos: UInt64, to out: RecordJSON.Stream) {
        out.member(key, String(nanos))
    }
}
