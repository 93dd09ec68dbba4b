import Foundation
import Testing

/// `canary schedule --listen` serves what the results store holds, like metrics.prom does.
@Suite("canary schedule --listen: the store's size")
struct ListenStoreTests {
    /// The bytes of every file under `folder`.
    private func bytesUnder(_ folder: String) -> Int {
        let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return files.reduce(0) { sum, path in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + path)
            return sum + (attributes?[.type] as? FileAttributeType == .typeRegular ? (attributes?[.size] as? Int ?? 0) : 0)
        }
    }

    @Test("/metrics has canary_results_bytes, more than 0 once runs are recorded and no more than the results folder holds")
    func resultsBytes() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schedule = try await ListeningSchedule.start([try ListenTests.canaries(in: folder)], folder: folder)
        try await Task.sleep(for: .milliseconds(2500))
        let metrics = try #require(ListenClient.get("/metrics", port: schedule.port))
        let held = bytesUnder(folder + "/r")
        let line = metrics.body.split(separator: "\n").first { $0.hasPrefix("canary_results_bytes ") }
        let value = line.flatMap { Int($0.split(separator: " ")[1]) }
        #expect(metrics.body.contains("# TYPE canary_results_bytes gauge"), "\(metrics.body)")
        #expect(value.map { $0 > 0 && $0 <= held } == true, "\(line ?? "no canary_results_bytes"), \(held) bytes in the folder")
        #expect(await schedule.stop() == 0)
    }
}
