@testable import CanaryKit
import Foundation
import Testing

@Suite("trace ids")
struct TraceContextHexTests {
    @Test("hex digits are the value's low digits, zero-padded, lowercase", arguments: [
        (UInt64(0), 16, "0000000000000000"), (UInt64(0xabc), 8, "00000abc"), (UInt64.max, 8, "ffffffff"),
        (UInt64(0x0123_4567_89ab_cdef), 16, "0123456789abcdef"), (UInt64(0xf), 1, "f"),
    ])
    func hex(value: UInt64, digits: Int, text: String) {
        #expect(TraceContext.hex(value, digits: digits) == text)
    }

    @Test("a trace id is the start's epoch seconds and 24 random hex digits; span ids are 16")
    func shape() {
        let trace = TraceContext.start(at: Date(timeIntervalSince1970: 0x6a5b_4c3d))
        #expect(trace.traceId.count == 32 && trace.traceId.hasPrefix("6a5b4c3d"))
        #expect(trace.spanId.count == 16 && trace.spanId != String(repeating: "0", count: 16))
        #expect(trace.traceId.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }
}
