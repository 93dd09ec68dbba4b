import CanaryKit
import Foundation
import Testing

/// `canary schedule` as a real process: schedules, overlap, signals, reload; and --shard.
@Suite("canary schedule")
struct ScheduleTests {
    /// Starts `canary schedule` with its output in `folder/log`.
    private func start(_ arguments: [String], folder: String) throws -> (Process, Task<Void, Never>) {
        try CLI.startSchedule(arguments, folder: folder)
    }

    private func runs(_ folder: String) throws -> [[String: Any]] {
        let text = (try? RunLogFiles.text(folder + "/r")) ?? ""
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    private func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("ten seconds: rate(2 seconds) runs 4–6 times, a 3 s canary on rate(1 second) 2–4 times without overlap, an hourly cron 0–1; SIGTERM waits for the running canary and exits 0")
    func tenSeconds() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try write(#"{name: "fast", schedule: "rate(2 seconds)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#, folder + "/c/fast.json")
        try write(#"{name: "slow", schedule: "rate(1 second)", steps: [{request: {url: "{{httpbin}}/delay/3"}}]}"#, folder + "/c/slow.json")
        try write(#"{name: "hourly", schedule: "cron(0 * * * *)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#, folder + "/c/hourly.json")
        let (process, exited) = try start([folder + "/c"], folder: folder)
        try await Task.sleep(for: .seconds(10))
        let clock = ContinuousClock()
        let stopping = clock.now
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        #expect(clock.now - stopping < .milliseconds(3500), "SIGTERM waits at most the running canary's remaining time")
        #expect(process.terminationStatus == 0)
        let records = try runs(folder)
        let count = { (name: String) in records.filter { $0["canary"] as? String == name }.count }
        #expect((4...6).contains(count("fast")), "fast ran \(count("fast")) times")
        #expect((2...4).contains(count("slow")), "slow ran \(count("slow")) times")
        #expect((0...1).contains(count("hourly")))
        // No overlap: each slow run starts after the previous one ended.
        let slow = records.filter { $0["canary"] as? String == "slow" }.compactMap { ($0["start"] as? String, $0["end"] as? String) as? (String, String) }
        for (earlier, later) in zip(slow, slow.dropFirst()) { #expect(later.0 >= earlier.1, "overlap: \(earlier) and \(later)") }
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(log.contains("skipped slow: still running when due"))
        #expect(log.contains("stopped every record written"))
    }

    @Test("SIGHUP reloads: an edited file takes effect, a broken one keeps its last good version, a removed one stops, a new one starts")
    func reload() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = folder + "/c"
        try FileManager.default.createDirectory(atPath: c, withIntermediateDirectories: true)
        for name in ["edited", "broken", "removed"] {
            try write("{name: \"\(name)\", schedule: \"rate(1 second)\", steps: [{request: {url: \"{{site}}/hello.txt\"}}]}", "\(c)/\(name).json")
        }
        let (process, exited) = try start([c], folder: folder)
        try await Task.sleep(for: .milliseconds(2500))
        try write(#"{name: "edited", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 500}}]}"#, c + "/edited.json")
        try write(#"{name: "broken", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}"#, c + "/broken.json")
        try FileManager.default.removeItem(atPath: c + "/removed.json")
        try write(#"{name: "added", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#, c + "/added.json")
        let reloadedAt = RunID.iso8601(Date())
        kill(process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(3500))
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        #expect(process.terminationStatus == 0)

        // Runs that started after the reload (plus a little slack for one already under way).
        let after = try runs(folder).filter { ($0["start"] as? String ?? "") > reloadedAt }
        let named = { (name: String) in after.filter { $0["canary"] as? String == name } }
        #expect(named("edited").count >= 2 && named("edited").dropFirst().allSatisfy { $0["passed"] as? Bool == false })
        #expect(named("broken").count >= 2 && named("broken").allSatisfy { $0["passed"] as? Bool == true })
        #expect(named("removed").count <= 1)
        #expect(named("added").count >= 2)
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(log.contains("broken.json") && log.contains("keeping the last good version of broken"), "\(log)")
        #expect(log.contains("added: added") && log.contains("removed: removed"), "\(log)")
    }

    @Test("--shard 1/3, 2/3 and 3/3 partition 1,000 canaries exactly, each taking roughly a third")
    func shards() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for i in 0..<1000 {
            try write("{name: \"canary-\(i)\", schedule: \"rate(1 minute)\", steps: [{request: {url: \"http://127.0.0.1:1/\"}}]}", "\(folder)/c\(i).json")
        }
        var seen: [String: Int] = [:]
        for k in 1...3 {
            let output = try await CLI.run(["list", folder, "--shard", "\(k)/3"])
            #expect(output.status == 0)
            let names = output.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect((280...390).contains(names.count), "shard \(k)/3 took \(names.count)")
            for name in names { seen[name, default: 0] += 1 }
        }
        #expect(seen.count == 1000)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }
}
