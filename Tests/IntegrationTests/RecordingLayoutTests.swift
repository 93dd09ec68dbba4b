import Foundation
import Testing

/// How runs reach disk: exchange segments and records by append; a run folder written under a
/// hidden name and renamed into place whole.
@Suite("recording layout")
struct RecordingLayoutTests {
    /// A temporary folder with 20 one-step canaries against nginx in `c/`.
    static func twentyPassingCanaries() throws -> String {
        let folder = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        for i in 0..<20 {
            try "{name: \"c\(i)\", steps: [{name: \"get\", request: {url: \"{{site}}/hello.txt\"}}]}"
                .write(toFile: folder + "/c/c\(i).json", atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test("with --artifacts all, run folders hold run.json, run.har and a snapshot, with no temp files; a crash's partial folder is removed")
    func wholeFolders() async throws {
        let folder = try Self.twentyPassingCanaries()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // What a SIGKILL between mkdir and rename leaves behind.
        let leftover = folder + "/r/c3/.partial-20260101T000000Z-0000"
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
        try "{\"canary\": \"c3\", \"half".write(toFile: leftover + "/run.json", atomically: true, encoding: .utf8)

        let arguments = ["run", folder + "/c", "--results", folder + "/r", "--jobs", "10", "-q", "--artifacts", "all"] + TestServers.varArguments
        for _ in 0..<2 {
            let output = try await CLI.run(arguments)
            #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: leftover))
        for i in 0..<20 {
            let runs = try FileManager.default.contentsOfDirectory(atPath: folder + "/r/c\(i)")
            #expect(runs.count == 2 && runs.allSatisfy { !$0.hasPrefix(".") }, "c\(i): \(runs)")
            for run in runs {
                let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/r/c\(i)/" + run).sorted()
                #expect(files == ["01-get.http", "run.har", "run.json"], "c\(i)/\(run): \(files)")
            }
        }
        let lines = try RunLogFiles.text(folder + "/r").split(separator: "\n")
        #expect(lines.count == 40)
    }

    @Test("by default a passing run is two appends (its exchanges to a segment, its record to a run segment), a failing one also gets its folder; --artifacts none keeps records only")
    func defaultLayout() async throws {
        let folder = try Self.twentyPassingCanaries()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "{name: \"bad\", steps: [{name: \"get\", request: {url: \"{{httpbin}}/status/503\"}}]}".write(toFile: folder + "/c/bad.json", atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let output = try await CLI.run(["run", folder + "/c", "--results", folder + "/r", "--jobs", "10", "-q"] + TestServers.varArguments)
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        }
        let top = try FileManager.default.contentsOfDirectory(atPath: folder + "/r").sorted()
        #expect(top == [".lock", "bad", "events.jsonl", "exchanges", "metrics.prom", "runs", "state.json", "state.log-offset", "summaries.bin"], "\(top)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/r/runs").count == 1, "one run segment, continued by the second run")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/r/exchanges").count == 1, "one segment, continued by the second run")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/r/bad").count == 2)
        let audit = try await ResultsAudit.of(folder + "/r")
        #expect(audit.unreadable.isEmpty, "\(audit.unreadable)")
        #expect(audit.runLines.count == 42 && audit.exchanges == 42 && audit.segmentLines == 42)

        let none = try await CLI.run(["run", folder + "/c", "--results", folder + "/n", "-q", "--artifacts", "none"] + TestServers.varArguments)
        #expect(none.status == 1)
        let bare = try FileManager.default.contentsOfDirectory(atPath: folder + "/n").sorted()
        #expect(bare == [".lock", "events.jsonl", "metrics.prom", "runs", "state.json", "state.log-offset", "summaries.bin"], "\(bare)")
        let bad = try await CLI.run(["run", folder + "/c", "--results", folder + "/n", "--artifacts", "some"])
        #expect(bad.status == 2 && bad.stderr.contains("--artifacts takes failed, all, none, got 'some'"), "\(bad.stderr)")
    }

    @Test("--retain and --max-bytes delete whole run and exchange segments, oldest first, never one being written, and the folders of the runs an expired run segment recorded; metrics.prom says canary_results_bytes")
    func retention() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "{name: \"c\", steps: [{request: {url: \"{{site}}/hello.txt\"}}]}".write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let segments = folder + "/r/exchanges", runs = folder + "/r/runs"
        let oldRun = folder + "/r/c/20200101T000000Z-0001", youngRun = folder + "/r/c/20200102T000000Z-0002"
        for path in [segments, runs, oldRun, youngRun] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        for run in [oldRun, youngRun] { try "{}".write(toFile: run + "/run.json", atomically: true, encoding: .utf8) }
        let record = { (runId: String) in #"{"canary":"c","runId":"\#(runId)","passed":false}"# + "\n" }
        for (name, age, content) in [
            ("exchanges/20200101T000000Z-0000", 3.0 * 86_400, String(repeating: "{}\n", count: 500)),
            ("exchanges/20200102T000000Z-0000", 3600.0, String(repeating: "{}\n", count: 500)),
            ("runs/20200101T000000Z-0000", 3.0 * 86_400, record("20200101T000000Z-0001")),
            ("runs/20200102T000000Z-0000", 3600.0, record("20200102T000000Z-0002")),
        ] {
            try content.write(toFile: folder + "/r/\(name).jsonl", atomically: true, encoding: .utf8)
            let when = Date().addingTimeInterval(-age)
            try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: folder + "/r/\(name).jsonl")
        }
        let arguments = ["run", folder + "/c.json", "--results", folder + "/r", "-q"] + TestServers.varArguments
        #expect(try await CLI.run(arguments + ["--retain", "1d"]).status == 0)
        var names = try FileManager.default.contentsOfDirectory(atPath: segments).sorted()
        #expect(names.count == 2 && names[0] == "20200102T000000Z-0000.jsonl", "only the 3-day-old exchange segment went: \(names)")
        names = try FileManager.default.contentsOfDirectory(atPath: runs).sorted()
        #expect(names.count == 2 && names[0] == "20200102T000000Z-0000.jsonl", "only the 3-day-old run segment went: \(names)")
        #expect(!FileManager.default.fileExists(atPath: oldRun), "the folder of a run the expired segment recorded went with it")
        #expect(FileManager.default.fileExists(atPath: youngRun + "/run.json"))
        #expect(try resultsBytes(folder + "/r") == storedBytes(folder + "/r"), "canary_results_bytes counts the segments and the run folders")

        #expect(try await CLI.run(arguments + ["--max-bytes", "1"]).status == 0)
        names = try FileManager.default.contentsOfDirectory(atPath: segments)
        #expect(names.count == 1 && !names[0].hasPrefix("2020"), "all but the segment being written went: \(names)")
        names = try FileManager.default.contentsOfDirectory(atPath: runs)
        #expect(names.count == 1 && !names[0].hasPrefix("2020"), "all but the run segment being written went: \(names)")
        #expect(!FileManager.default.fileExists(atPath: youngRun))
        #expect(try resultsBytes(folder + "/r") == storedBytes(folder + "/r"))
        let audit = try await ResultsAudit.of(folder + "/r")
        #expect(audit.unreadable.isEmpty && audit.exchanges == 2 && audit.runLines.count == 2, "\(audit.unreadable)")
        let bad = try await CLI.run(arguments + ["--retain", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--retain takes a duration like 7d or 12h, got 'soon'"), "\(bad.stderr)")
    }

    /// `canary_results_bytes` in the folder's metrics.prom.
    private func resultsBytes(_ results: String) throws -> Int? {
        let metrics = try String(contentsOfFile: results + "/metrics.prom", encoding: .utf8)
        return metrics.split(separator: "\n").first { $0.hasPrefix("canary_results_bytes ") }.flatMap { Int($0.split(separator: " ")[1]) }
    }

    /// The bytes of the files in runs/ and exchanges/ and in the run folders of canary c (what --max-bytes counts).
    private func storedBytes(_ results: String) throws -> Int {
        let manager = FileManager.default
        let runFolders = ((try? manager.contentsOfDirectory(atPath: results + "/c")) ?? []).map { "c/" + $0 }
        return try (["runs", "exchanges"] + runFolders).flatMap { folder in
            try manager.contentsOfDirectory(atPath: results + "/" + folder).map { results + "/" + folder + "/" + $0 }
        }.reduce(0) { $0 + ((try manager.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    }

    @Test("a mangled state.json (loaded while the canaries run) still lets them run and record, exits 2 naming it, and is left as it was")
    func mangledState() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/r", withIntermediateDirectories: true)
        try "{\"c\": {\"recent\": [tru".write(toFile: folder + "/r/state.json", atomically: true, encoding: .utf8)
        try "{name: \"c\", steps: [{request: {url: \"{{site}}/hello.txt\"}}]}".write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r"] + TestServers.varArguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains("\(folder)/r/state.json is not valid JSON"), "\(output.stderr)")
        #expect(output.stderr.contains("move it aside"), "\(output.stderr)")
        let lines = try RunLogFiles.text(folder + "/r").split(separator: "\n")
        #expect(lines.count == 1)
        #expect(try String(contentsOfFile: folder + "/r/state.json", encoding: .utf8) == "{\"c\": {\"recent\": [tru")
    }
}
