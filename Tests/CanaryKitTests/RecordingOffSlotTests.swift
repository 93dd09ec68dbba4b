@testable import CanaryKit
import Foundation
import Testing

/// Runs wait for their records' fsyncs off their --jobs slot, but never more than a bound of them.
@Suite("recording off the slot")
struct RecordingOffSlotTests {
    @Test("at most `limit` runs are recorded off their slot at once; a recorded run frees its place")
    func bounded() async throws {
        let folder = FileManager.default.temporaryDirectory.path + "/off-slot-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try ResultsStore(directory: folder)
        defer { store.close() }
        let runs = (1...3).map { RunResult(record: AlarmTestRuns.run(passed: true, canary: "c\($0)", runId: "20261122T14280\($0)Z-000\($0)"), exchanges: [], secrets: []) }
        #expect(store.recordsOffSlot(runs[0], limit: 2))
        #expect(store.recordsOffSlot(runs[1], limit: 2))
        #expect(!store.recordsOffSlot(runs[2], limit: 2), "a third run waits on its slot")
        try await store.record(runs[0])
        #expect(store.recordsOffSlot(runs[2], limit: 2), "the first run's place is free once it is recorded")
    }
}
