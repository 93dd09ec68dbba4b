import Foundation
import Testing
@testable import CanaryKit

/// The chart's points are kept encoded in every canary's summary (the scheduler holds one per
/// canary): what goes in must come out, the newest `chartRuns` in order.
@Suite("run summaries: the chart's ring of encoded points")
struct ChartRingTests {
    static func point(_ index: Int) -> ChartPoint {
        ChartPoint(start: index % 17 == 5 ? nil : 1_795_000_000 + index * 60, durationMs: [0, 0.001, 27.5, 1e13, -3, 0.1 + 0.2][index % 6],
                   passed: index % 3 != 0, phases: (Double(index) / 1000, 0, 1.5, 123_456.789, index % 7 == 0 ? .infinity : 2))
    }

    @Test("the last 100 of 1,000 points come back as appended, oldest first", arguments: [1, 99, 100, 101, 1000])
    func lastPoints(_ count: Int) {
        var ring = ChartRing()
        for index in 0..<count { ring.append(Self.point(index)) }
        let expected = (max(0, count - RunSummaries.chartRuns)..<count).map(Self.point)
        #expect(ring.count == expected.count)
        #expect(ring.ordered.count == expected.count)
        for (got, want) in zip(ring.ordered, expected) {
            #expect(got.start == want.start && got.passed == want.passed)
            #expect(got.durationMs.bitPattern == want.durationMs.bitPattern || (got.durationMs == 0 && want.durationMs == 0))
            #expect(zip(got.phaseList, want.phaseList).allSatisfy { $0.bitPattern == $1.bitPattern || $0 == $1 })
        }
    }

    @Test("rings with the same points are equal however many were dropped before them")
    func equality() {
        var a = ChartRing(), b = ChartRing()
        for index in 0..<2000 { a.append(Self.point(index)) }
        for index in 1900..<2000 { b.append(Self.point(index)) }
        #expect(a == b)
        b.append(Self.point(1))
        #expect(a != b)
    }
}
