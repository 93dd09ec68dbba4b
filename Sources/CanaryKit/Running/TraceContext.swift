import CurlEngine
import Foundation

/// The trace of one run attempt: its trace id and the id of its root span; each step gets a
/// span of its own under it, whose id is the parent id in the headers the step sends.
///
/// The trace id's first 8 hex digits are the attempt's start in epoch seconds and the other 24
/// are random, so the same id is a valid X-Ray trace id (`1-<8>-<24>`) and a W3C one, and a
/// backend fed by either header (or by the OTLP export) joins them into one trace.
public struct TraceContext: Sendable, Equatable {
    /// 32 lowercase hex digits.
    public var traceId: String
    /// The attempt's root span: 16 lowercase hex digits.
    public var spanId: String

    /// A new trace started at `date`, its random part from the system's generator (getrandom).
    public static func start(at date: Date) -> TraceContext {
        var random = SystemRandomNumberGenerator()
        let seconds = UInt32(clamping: Int(date.timeIntervalSince1970.rounded(.down)))
        let traceId = hex(UInt64(seconds), digits: 8) + hex(random.next(), digits: 8) + hex(random.next(), digits: 16)
        return TraceContext(traceId: traceId, spanId: newSpanId())
    }

    /// A random span id, never all zeros (which W3C reserves for "invalid").
    public static func newSpanId() -> String {
        var random = SystemRandomNumberGenerator()
        var value: UInt64 = 0
        while value == 0 { value = random.next() }
        return hex(value, digits: 16)
    }

    /// The headers that carry this trace with `spanId` as the parent, in `formats`.
    public func headers(spanId: String, formats: [TraceFormat]) -> [HTTPHeader] {
        formats.map { format in
            switch format {
            case .w3c:
                return HTTPHeader(name: "traceparent", value: "00-\(traceId)-\(spanId)-01")
            case .xray:
                let epoch = traceId.prefix(8), rest = traceId.dropFirst(8)
                return HTTPHeader(name: "X-Amzn-Trace-Id", value: "Root=1-\(epoch)-\(rest);Parent=\(spanId);Sampled=1")
            case .b3:
                return HTTPHeader(name: "b3", value: "\(traceId)-\(spanId)-1")
            }
        }
    }

    /// The low `digits` hex digits of `value`, zero-padded, written into one buffer (three ids
    /// per attempt: the Strings of the padding and the suffix were visible in the run's profile).
    static func hex(_ value: UInt64, digits: Int) -> String {
        var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: digits)
        var rest = value
        for index in stride(from: digits - 1, through: 0, by: -1) where rest != 0 {
            let digit = UInt8(rest & 0xF)
            bytes[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
            rest >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension HTTPRequest {
    /// Adds each trace header the request does not carry yet: one the canary file sets itself wins.
    mutating func addTraceHeaders(_ trace: TraceContext, spanId: String, formats: [TraceFormat]) {
        for header in trace.headers(spanId: spanId, formats: formats) where headers.value(named: header.name) == nil {
            headers.append(header)
        }
    }
}
