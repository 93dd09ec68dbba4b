import Foundation
import Testing

/// How a run folder reaches disk: written under a hidden name, renamed into place whole.
@Suite("recording layout")
struct RecordingLayoutTests {
    @Test("with --artifacts all, run folders hold run.json, run.har and a snapshot, with no temp files; a crash's partial folder is removed")
    func wholeFolders() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        for i in 0..<20 {
            try "{name: \"c\(i)\", steps: [{name: \"get\", request: {url: \"{{site}}/hello.txt\"}}]}"
                .write(toFile: folder + "/c/c\(i).json", atomically: true, encoding: .utf8)
        }
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
        let lines = try String(contentsOfFile: folder + "/r/runs.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 40)
    }

    @Test("by default a passing run is two appends (its exchanges to a segment, its record to runs.jsonl), a failing one also gets its folder; --artifacts none keeps records only")
    func defaultLayout() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        for i in 0..<20 {
            try "{name: \"c\(i)\", steps: [{name: \"get\", request: {url: \"{{site}}/hello.txt\"}}]}"
                .write(toFile: folder + "/c/c\(i).json", atomically: true, encoding: .utf8)
        }
        try "{name: \"bad\", steps: [{name: \"get\", request: {url: \"{{httpbin}}/status/503\"}}]}".write(toFile: folder + "/c/bad.json", atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let output = try await CLI.run(["run", folder + "/c", "--results", folder + "/r", "--jobs", "10", "-q"] + TestServers.varArguments)
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        }
        let top = try FileManager.default.contentsOfDirectory(atPath: folder + "/r").sorted()
        #expect(top == [".lock", "bad", "events.jsonl", "exchanges", "metrics.prom", "runs.jsonl", "state.json", "state.log-offset"], "\(top)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/r/exchanges").count == 1, "one segment, continued by the second run")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/r/bad").count == 2)
        let audit = try await ResultsAudit.of(folder + "/r")
        #expect(audit.unreadable.isEmpty, "\(audit.unreadable)")
        #expect(audit.runLines.count == 42 && audit.exchanges == 42 && audit.segmentLines == 42)

        let none = try await CLI.run(["run", folder + "/c", "--results", folder + "/n", "-q", "--artifacts", "none"] + TestServers.varArguments)
        #expect(none.status == 1)
        let bare = try FileManager.default.contentsOfDirectory(atPath: folder + "/n").sorted()
        #expect(bare == [".lock", "events.jsonl", "metrics.prom", "runs.jsonl", "state.json", "state.log-offset"], "\(bare)")
        let bad = try await CLI.run(["run", folder + "/c", "--results", folder + "/n", "--artifacts", "some"])
        #expect(bad.status == 2 && bad.stderr.contains("--artifacts takes failed, all, none, got 'some'"), "\(bad.stderr)")
    }

    @Test("--retain and --max-bytes delete whole exchange segments, oldest first, never the one being written")
    func retention() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "{name: \"c\", steps: [{request: {url: \"{{site}}/hello.txt\"}}]}".write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let segments = folder + "/r/exchanges"
        try FileManager.default.createDirectory(atPath: segments, withIntermediateDirectories: true)
        for (name, age) in [("20200101T000000Z-0000", 3.0 * 86_400), ("20200102T000000Z-0000", 3600.0)] {
            try (String(repeating: "{}\n", count: 500)).write(toFile: segments + "/\(name).jsonl", atomically: true, encoding: .utf8)
            let when = Date().addingTimeInterval(-age)
            try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: segments + "/\(name).jsonl")
        }
        let arguments = ["run", folder + "/c.json", "--results", folder + "/r", "-q"] + TestServers.varArguments
        #expect(try await CLI.run(arguments + ["--retain", "1d"]).status == 0)
        var names = try FileManager.default.contentsOfDirectory(atPath: segments).sorted()
        #expect(names.count == 2 && names[0] == "20200102T000000Z-0000.jsonl", "only the 3-day-old segment went: \(names)")
        #expect(try await CLI.run(arguments + ["--max-bytes", "1"]).status == 0)
        names = try FileManager.default.contentsOfDirectory(atPath: segments)
        #expect(names.count == 1 && !names[0].hasPrefix("2020"), "all but the segment being written went: \(names)")
        let audit = try await ResultsAudit.of(folder + "/r")
        #expect(audit.unreadable.isEmpty && audit.exchanges == 2, "\(audit.unreadable)")
        let bad = try await CLI.run(arguments + ["--retain", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--retain takes a duration like 7d or 12h, got 'soon'"), "\(bad.stderr)")
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
        let lines = try String(contentsOfFile: folder + "/r/runs.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(try String(contentsOfFile: folder + "/r/state.json", encoding: .utf8) == "{\"c\": {\"recent\": [tru")
    }
}
