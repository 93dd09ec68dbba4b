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
        #expect(retention.expired(Self.three, current: [current], now: Self.now) == expected)
    }

    @Test("the order of the listing does not matter")
    func unordered() {
        #expect(Retention(retain: nil, maxBytes: 150).expired(Self.three.reversed(), current: ["c"], now: Self.now) == ["a", "b"])
    }

    static let store = [
        segment("runs/20261101T000000Z-0001.jsonl", hoursAgo: 50, bytes: 100),
        segment("exchanges/20261101T000005Z-0002.jsonl", hoursAgo: 50, bytes: 1_000),
        segment("runs/20261102T000000Z-0003.jsonl", hoursAgo: 20, bytes: 100),
        segment("exchanges/20261102T000000Z-0004.jsonl", hoursAgo: 20, bytes: 1_000),
        segment("runs/20261103T000000Z-0005.jsonl", hoursAgo: 1, bytes: 100),
        segment("exchanges/20261103T000000Z-0006.jsonl", hoursAgo: 1, bytes: 1_000),
    ]

    @Test("over the whole store: both folders' segments by the time they were begun, never one being written", arguments: [
        (Retention(retain: 48 * 3600, maxBytes: nil), ["runs/20261101T000000Z-0001.jsonl", "exchanges/20261101T000005Z-0002.jsonl"]),
        // 3,300 bytes in all: the oldest go, of either folder, until 2,500 or less are left.
        (Retention(retain: nil, maxBytes: 2_500), ["runs/20261101T000000Z-0001.jsonl", "exchanges/20261101T000005Z-0002.jsonl"]),
        (Retention(retain: nil, maxBytes: 1_000), [
            "runs/20261101T000000Z-0001.jsonl", "exchanges/20261101T000005Z-0002.jsonl",
            "runs/20261102T000000Z-0003.jsonl", "exchanges/20261102T000000Z-0004.jsonl",
        ]),
        (Retention(retain: 1, maxBytes: 1), [
            "runs/20261101T000000Z-0001.jsonl", "exchanges/20261101T000005Z-0002.jsonl",
            "runs/20261102T000000Z-0003.jsonl", "exchanges/20261102T000000Z-0004.jsonl",
        ]),
    ])
    func wholeStore(retention: Retention, expected: [String]) {
        let current: Set = ["runs/20261103T000000Z-0005.jsonl", "exchanges/20261103T000000Z-0006.jsonl"]
        #expect(retention.expired(Self.store, current: current, now: Self.now) == expected)
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

    @Test("segments roll at a quarter of --retain (1 s to an hour) and an eighth of --max-bytes (1 MiB to 64 MiB)", arguments: [
        (Retention(retain: 300, maxBytes: nil), 75.0, 64 << 20),
        (Retention(retain: 30 * 86_400, maxBytes: 1 << 30), 3600.0, 64 << 20),
        (Retention(retain: 2, maxBytes: 1), 1.0, 1 << 20),
        (Retention(retain: nil, maxBytes: 80 << 20), 3600.0, 10 << 20),
        (Retention(retain: 3600, maxBytes: nil), 900.0, 64 << 20),
        (Retention(), 3600.0, 64 << 20),     // the defaults: hourly segments of at most 64 MiB
    ])
    func rollFromRetention(retention: Retention, age: Double, bytes: Int) {
        #expect(SegmentRoll(retention: retention) == SegmentRoll(maxBytes: bytes, maxAge: age))
    }

    @Test("the defaults are the README's: --retain 30d, --max-bytes 1 GiB")
    func defaults() {
        #expect(Retention().retain == 30 * 86_400 && Retention().maxBytes == 1_073_741_824)
    }
}

/// Retention applied to a results folder: whole segments, and the folders of the runs an expired
/// run segment recorded.
@Suite("store sweep")
struct StoreSweepTests {
    @Test("an expired run segment takes the folders of the runs it recorded with it; younger runs' folders and links stay")
    func foldersGoWithTheirSegment() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/store-sweep-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manager = FileManager.default
        for path in ["runs", "exchanges", "bad/20200101T000000Z-0001", "bad/20261122T142900Z-0003", "victim/20200101T000000Z-0004"] {
            try manager.createDirectory(atPath: folder + "/" + path, withIntermediateDirectories: true)
        }
        try "{}".write(toFile: folder + "/bad/20200101T000000Z-0001/run.json", atomically: true, encoding: .utf8)
        try "keep".write(toFile: folder + "/victim/20200101T000000Z-0004/run.json", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: folder + "/link", withDestinationPath: folder + "/victim")
        let old = [("bad", "20200101T000000Z-0001"), ("good", "20200101T000000Z-0002"), ("link", "20200101T000000Z-0004")]
        let lines = old.map { #"{"canary":"\#($0.0)","runId":"\#($0.1)","passed":false}"# + "\n" }.joined()
        try lines.write(toFile: folder + "/runs/20200101T000000Z-00aa.jsonl", atomically: true, encoding: .utf8)
        try manager.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_577_840_000)], ofItemAtPath: folder + "/runs/20200101T000000Z-00aa.jsonl")
        let young = #"{"canary":"bad","runId":"20261122T142900Z-0003","passed":false}"# + "\n"
        try young.write(toFile: folder + "/runs/20261122T142900Z-00bb.jsonl", atomically: true, encoding: .utf8)

        let left = StoreSweep(directory: folder, retention: Retention(retain: 86_400, maxBytes: nil), ledger: FolderLedger(directory: folder))
            .sweep(current: ["runs/20261122T142900Z-00bb.jsonl"])
        #expect(try manager.contentsOfDirectory(atPath: folder + "/runs") == ["20261122T142900Z-00bb.jsonl"])
        #expect(try manager.contentsOfDirectory(atPath: folder + "/bad") == ["20261122T142900Z-0003"])
        #expect(manager.fileExists(atPath: folder + "/victim/20200101T000000Z-0004/run.json"), "never through a link")
        #expect(left == young.utf8.count)
    }
}
