@testable import CanaryKit
import Foundation
import Testing

/// Run ids sort by time: `--keep`, `--last` and the store's readers order runs by name.
@Suite("run ids")
struct RunIDTests {
    @Test("ids of runs started in the same second sort by their milliseconds, and keep the folder-name shape")
    func sameSecond() {
        let second = Date(timeIntervalSince1970: 1_795_000_000)
        for _ in 0..<50 {
            let ids = stride(from: 0, to: 1000, by: 7).map { RunID.make(at: second.addingTimeInterval(Double($0) / 1000)) }
            #expect(ids == ids.sorted())
            #expect(ids.allSatisfy(RunID.isRunFolderName))
        }
        #expect(RunID.make(at: second.addingTimeInterval(0.999)) < RunID.make(at: second.addingTimeInterval(1)))
    }

    @Test("timestamps are zero-padded UTC, as the ISO 8601 formatter writes them", arguments: [
        (0.0, "1970-01-01T00:00:00.000Z", "19700101T000000Z"),
        (1_795_357_721.123, "2026-11-22T14:28:41.123Z", "20261122T142841Z"),
        (951_782_400.5, "2000-02-29T00:00:00.500Z", "20000229T000000Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z", "99991231T235959Z"),
    ])
    func timestamps(seconds: Double, iso: String, compact: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(RunID.iso8601(date) == iso)
        #expect(RunID.compactUTC(date) == compact)
        #expect(RunID.date(fromCompact: compact).map(RunID.compactUTC) == compact)
    }
}
