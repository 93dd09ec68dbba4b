import Foundation
import Testing

/// Issue 22 ("messages"): after a SIGHUP that changed no canary, the reload line says so
/// instead of "added: ; removed: " with empty lists.
@Suite("canary schedule: the reload line")
struct ScheduleReloadLineTests {
    @Test("a reload that adds and removes nothing says so, without empty lists")
    func nothingChanged() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "same", schedule: "rate(1 hour)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/same.json", atomically: true, encoding: .utf8)
        let (process, exited) = try CLI.startSchedule([folder + "/same.json"], folder: folder, stderrApart: true)
        try await Task.sleep(for: .milliseconds(1500))
        kill(process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(1000))
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.contains(" reloaded ") }, "\(log)")
        #expect(line.hasSuffix("reloaded 1 canary; none added or removed"), "\(line)")
    }
}
