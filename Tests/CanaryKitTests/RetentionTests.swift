@testable import CanaryKit
import Foundation
import Testing

/// Retention and segment roll as pure rules over names, ages and sizes.
@Suite("store retention")
struct RetentionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func segment(_ name: String, hoursAgo: Double, bytes: Int) -> Retention.Segment {
        Retention.Segment(name: name, modified: now.addingTimeInterval(-hoursAgo * 3600), bytes: bytes)
    }

    static let three = [segment("a", hoursAgo: 50, bytes: 100), segment("b", hoursAgo: 20, bytes: 100), segment("c", hoursAgo: 1, bytes: 100)]

    @Test("which segments go", arguments: [
        (Retention(retain: nil, maxBytes: nil), "c", [String]()),
        (Retention(retain: 48 * 3600, maxBytes: nil), "c", ["a"]),
        (Retention(retain: 10 * 3600, maxBytes: nil), "c", ["a", "b"]),
        (Retention(retain: 10, maxBytes: nil), "c", ["a", "b"]),          // never the one being written
        (Retention(retain: 10, maxBytes: nil), "x", ["a", "b", "c"]),     // none being written (--artifacts none)
        (Retention(retain: nil, maxBytes: 300), "c", []),
        (Retention(retain: nil, maxBytes: 250), "c", ["a"]),               // oldest first, until under the bound
        (Retention(retain: nil, maxBytes: 50), "c", ["a", "b"]),
        (Retention(retain: 48 * 3600, maxBytes: 150), "c", ["a", "b"]),    // age first, then size over what is left
    ])
    func expired(retention: Retention, current: String, expected: [String]) {
        #expect(retention.expired(Self.three, current: current, now: Self.now) == expected)
    }

    @Test("the order of the listing does not matter")
    func unordered() {
        #expect(Retention(retain: nil, maxBytes: 150).expired(Self.three.reversed(), current: "c", now: Self.now) == ["a", "b"])
    }

    @Test("when a segment rolls", arguments: [
        (0, 10, 99_999.0, false),            // an empty segment takes any line, however old
        (50, 10, 0.0, false),
        (95, 10, 0.0, true),                 // past maxBytes with this line
        (100, 1, 0.0, true),
        (50, 10, 3600.0, true),              // an hour old
        (50, 10, 3599.0, false),
    ])
    func rolls(size: Int, adding: Int, age: Double, expected: Bool) {
        #expect(SegmentRoll(maxBytes: 100, maxAge: 3600).rolls(size: size, adding: adding, age: age) == expected)
    }
}
