import Foundation
import Testing

/// Issue 24 item 2: after SIGHUP, a new file that takes the name of a running canary does not
/// take its place: the file that held the name keeps it on every reload, and the log says which
/// file was refused, naming both.
@Suite("canary schedule: duplicate names across files")
struct ScheduleDuplicateNameTests {
    @Test("a file added under a running canary's name is refused on every SIGHUP; the holder keeps running, the log names both files")
    func holderKeepsTheName() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try #"{name: "dup", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/c/a.json", atomically: true, encoding: .utf8)
        let (process, exited) = try CLI.startSchedule([folder + "/c"], folder: folder, stderrApart: true)
        try await Task.sleep(for: .milliseconds(1200))
        // Sorts before a.json, so a plain load in path order would give it the name.
        try #"{name: "dup", schedule: "rate(1 second)", steps: [{request: {url: "{{httpbin}}/status/500"}}]}"#
            .write(toFile: folder + "/c/0.json", atomically: true, encoding: .utf8)
        for _ in 0..<4 {
            kill(process.processIdentifier, SIGHUP)
            try await Task.sleep(for: .milliseconds(700))
        }
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        let runs = try RunLogFiles.text(folder + "/r").split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(runs.count >= 3, "\(log)")
        #expect(runs.allSatisfy { $0["file"] as? String == folder + "/c/a.json" && $0["passed"] as? Bool == true }, "\(runs)\n\(log)")
        let refusals = log.split(separator: "\n").filter { $0.contains(" invalid ") }
        #expect(refusals.count == 4, "\(log)")
        #expect(refusals.allSatisfy {
            $0.contains("\(folder)/c/0.json:1:") && $0.contains("already used by \(folder)/c/a.json") && $0.contains("set a different")
        }, "\(log)")
    }
}
