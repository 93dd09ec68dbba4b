import Foundation
import Testing

/// Retention while `canary schedule` runs: segments roll at a quarter of `--retain`, so old ones
/// expire while the store is written, and the store stops growing.
@Suite("retention under canary schedule")
struct RetentionScheduleTests {
    /// The names of the segments in `folder`, oldest first.
    private func segments(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    /// A segment's begin time as its name spells it (`20261202T055800Z`).
    private func compact(_ date: Date) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return format.string(from: date)
    }

    @Test("--retain 4s on two canaries every second for 16 s: segments roll every second or so, none begun more than 9 s ago is left, the failing canary's folders go with their records")
    func shortRetain() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try #"{name: "up", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/c/up.json", atomically: true, encoding: .utf8)
        try #"{name: "down", schedule: "rate(1 second)", steps: [{request: {url: "{{httpbin}}/status/503"}}]}"#.write(toFile: folder + "/c/down.json", atomically: true, encoding: .utf8)
        let (process, exited) = try CLI.startSchedule([folder + "/c", "--retain", "4s"], folder: folder)
        var most = 0
        for _ in 0..<16 {
            try await Task.sleep(for: .seconds(1))
            most = max(most, segments(folder + "/r/runs").count)
        }
        let now = Date()
        let runs = segments(folder + "/r/runs"), exchanges = segments(folder + "/r/exchanges")
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/r/down")) ?? []).filter { !$0.hasPrefix(".") }
        let recorded = try RunLogFiles.text(folder + "/r")
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let log = (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(log)")
        let oldest = compact(now.addingTimeInterval(-9))
        #expect(!runs.isEmpty && runs[0] >= oldest, "run segments left: \(runs), none should be older than \(oldest)")
        #expect(!exchanges.isEmpty && exchanges[0] >= oldest, "exchange segments left: \(exchanges)")
        #expect(most <= 10, "at most \(most) run segments at once")
        // The records of the runs that are left name every failure folder that is left.
        #expect(!folders.isEmpty && folders.allSatisfy { recorded.contains($0) }, "\(folders)")
        #expect(recorded.split(separator: "\n").count < 26, "16 s of two canaries, about 9 s kept")
    }
}
