import Foundation
import Testing

/// `--max-bytes` over the whole store, failure folders included, and the `runs.jsonl` of earlier
/// versions under `--retain` and `--max-bytes`.
@Suite("retention of failure folders and runs.jsonl")
struct RetentionFoldersTests {
    private let manager = FileManager.default

    /// The bytes of the files directly in each of `folders` and in their run folders.
    private func bytes(_ results: String, _ folders: [String]) -> Int {
        folders.reduce(0) { sum, folder in
            let names = (try? manager.subpathsOfDirectory(atPath: results + "/" + folder)) ?? []
            return sum + names.reduce(0) { inner, name in
                let attributes = try? manager.attributesOfItem(atPath: results + "/" + folder + "/" + name)
                return inner + (attributes?[.type] as? FileAttributeType == .typeRegular ? (attributes?[.size] as? Int ?? 0) : 0)
            }
        }
    }

    private func resultsBytes(_ results: String) throws -> Int? {
        let metrics = try String(contentsOfFile: results + "/metrics.prom", encoding: .utf8)
        return metrics.split(separator: "\n").first { $0.hasPrefix("canary_results_bytes ") }.flatMap { Int($0.split(separator: " ")[1]) }
    }

    private func runFolders(_ path: String) -> [String] {
        ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test("--max-bytes counts the failure folders: with room for the segments and about three folders, ten failing runs keep the newest folders, the oldest go, and canary_results_bytes counts both")
    func foldersCount() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? manager.removeItem(atPath: folder) }
        try #"{name: "bad", steps: [{request: {url: "{{httpbin}}/status/503"}}]}"#.write(toFile: folder + "/bad.json", atomically: true, encoding: .utf8)
        let arguments = ["run", folder + "/bad.json", "-q"] + TestServers.varArguments
        // One unbounded run measures what a run adds: its folder and its two segment lines.
        #expect(try await CLI.run(arguments + ["--results", folder + "/m"]).status == 1)
        let perFolder = bytes(folder + "/m", ["bad"]), perRun = bytes(folder + "/m", ["runs", "exchanges"])
        let bound = 10 * perRun + 3 * perFolder + perFolder / 2
        var names: [[String]] = []
        for _ in 0..<10 {
            #expect(try await CLI.run(arguments + ["--results", folder + "/r", "--max-bytes", "\(bound)"]).status == 1)
            names.append(runFolders(folder + "/r/bad"))
        }
        let held = bytes(folder + "/r", ["runs", "exchanges", "bad"])
        #expect(held <= bound, "\(held) bytes held, --max-bytes \(bound) (\(perFolder) per folder, \(perRun) per run in the segments)")
        let last = names.last ?? []
        #expect((2...3).contains(last.count) && last == Array(Set(names.flatMap { $0 }).sorted().suffix(last.count)), "the newest folders stay: \(last)")
        #expect(try resultsBytes(folder + "/r") == held, "canary_results_bytes counts segments and folders")
    }

    @Test("the runs.jsonl of an earlier version expires when its last write is past --retain, and goes first when the store is over --max-bytes, with the folders of its runs")
    func legacyRunLog() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? manager.removeItem(atPath: folder) }
        try #"{name: "c", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let results = folder + "/r", legacy = folder + "/r/runs.jsonl", oldFolder = folder + "/r/c/20200101T000000Z-0001"
        try manager.createDirectory(atPath: oldFolder, withIntermediateDirectories: true)
        try "{}".write(toFile: oldFolder + "/run.json", atomically: true, encoding: .utf8)
        let line = #"{"canary":"c","runId":"20200101T000000Z-0001","passed":false}"# + "\n"
        try String(repeating: line, count: 100).write(toFile: legacy, atomically: true, encoding: .utf8)
        try manager.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: legacy)
        let arguments = ["run", folder + "/c.json", "-q", "--results", results] + TestServers.varArguments
        #expect(try await CLI.run(arguments + ["--retain", "3d"]).status == 0)
        #expect(manager.fileExists(atPath: legacy), "younger than --retain: kept")
        #expect(try await CLI.run(arguments + ["--retain", "1d"]).status == 0)
        #expect(!manager.fileExists(atPath: legacy), "its last record is older than --retain: gone")
        #expect(!manager.fileExists(atPath: oldFolder), "with the folders of the runs it recorded")

        try String(repeating: line, count: 100).write(toFile: legacy, atomically: true, encoding: .utf8)
        let before = bytes(results, ["runs", "exchanges"])
        #expect(try await CLI.run(arguments + ["--max-bytes", "\(before + 4000)"]).status == 0)
        #expect(!manager.fileExists(atPath: legacy), "over --max-bytes, the oldest file goes first")
        #expect(try resultsBytes(results) == bytes(results, ["runs", "exchanges"]))
    }
}
