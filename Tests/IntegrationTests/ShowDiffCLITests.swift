import CanaryKit
import Foundation
import Testing

/// `canary show` and `canary diff` over runs of real canaries against the test servers.
@Suite("show and diff: recorded runs printed and compared", .serialized)
struct ShowDiffCLITests {
    static let key = "ShowK3yValue9"

    static let canaries = [
        "web.json": #"""
            {name: "web", steps: [
              {name: "echo", request: {url: "{{httpbin}}/anything", query: {code: "{{code}}"}, headers: {"X-Api-Key": "{{secret.SHOW_KEY}}"}},
               expect: {json: {"$.args.code": "200"}}, continueOnFailure: true},
              {name: "status", request: {url: "{{httpbin}}/status/{{code}}"}, expect: {status: 200}},
            ]}
            """#,
        "escape.json": #"{name: "escape", steps: [{name: "evil", request: {url: "{{hostile}}/escape"}}]}"#,
    ]

    /// The folder with one passing run of `web` (code 200), then one failing (code 503).
    static func recorded() async throws -> (folder: String, results: String) {
        let folder = try makeTemporaryDirectory()
        for (name, text) in canaries { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        for code in ["200", "503"] {
            let output = try await CLI.run(["run", folder, "--results", folder + "/r", "--var", "code=\(code)"] + TestServers.varArguments,
                                           environment: ["SHOW_KEY": key])
            #expect(output.status == (code == "200" ? 0 : 1), "\(output.stdout)\(output.stderr)")
        }
        return (folder, folder + "/r")
    }

    @Test("show prints the latest run, a chosen one, its HAR and record; curl lines reproduce it without the secret")
    func show() async throws {
        let (folder, results) = try await Self.recorded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let last = try await CLI.run(["show", "web", "--results", results])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(last.stdout.contains("### step 2 status: failed") && last.stdout.contains("HTTP/1.1 503"), "\(last.stdout)")
        #expect(last.stdout.contains("X-Api-Key: ***") && !last.stdout.contains(Self.key))
        let passed = try await CLI.run(["show", "web", "--last-passed", "--results", results])
        #expect(passed.stdout.contains("code=200") && passed.stdout.contains(": passed"), "\(passed.stdout)")

        let har = try await CLI.run(["show", "web", "--format", "har", "--results", results])
        let archive = try JSONDecoder().decode(StoredHAR.self, from: Data(har.stdout.utf8))
        #expect(archive.log.entries.map(\.response.status) == [200, 503])
        #expect(HARValidator.problems(Data(har.stdout.utf8), expectedEntries: 2) == [], "a standalone HAR 1.2 file")
        #expect(archive.log.entries.first?.request.queryString == [.init(name: "code", value: "503")])
        let json = try await CLI.run(["show", "web", "--format", "json", "--last-passed", "--results", results])
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(json.stdout.utf8))
        #expect(record.passed && record.canary == "web")

        let curl = try await CLI.run(["show", "web", "--format", "curl", "--last-passed", "--results", results], environment: ["SHOW_KEY": Self.key])
        #expect(curl.stdout.contains(#""$SHOW_KEY""#) && !curl.stdout.contains(Self.key), "\(curl.stdout)")
        let echoLine = try #require(curl.stdout.split(separator: "\n").first { $0.hasPrefix("curl ") && $0.contains("/anything") })
        let replay = try await CLI.run(["-c", String(echoLine)], environment: ["SHOW_KEY": Self.key], executable: "/bin/sh")
        #expect(replay.stdout.contains("HTTP/1.1 200") && replay.stdout.contains(Self.key) && replay.stdout.contains(#""code": "200""#), "\(replay.stdout)\(replay.stderr)")
    }

    @Test("show and diff read the run log from its newest segment back only as far as the runs they print: an older segment that can't be read is never opened")
    func newestSegmentsOnly() async throws {
        let (folder, results) = try await Self.recorded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runs = try RunLogFiles.text(results).split(separator: "\n")
            .compactMap { try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }.filter { $0.canary == "web" }.map(\.runId)
        let older = results + "/runs/20000101T000000Z-0000.jsonl"
        try FileManager.default.createDirectory(atPath: older, withIntermediateDirectories: false)
        for (choice, expected) in [(["--last"], runs[1]), ([], runs[1]), (["--last-failed"], runs[1]), (["--last-passed"], runs[0]), (["--run", runs[0]], runs[0])] {
            let shown = try await CLI.run(["show", "web", "--results", results] + choice)
            #expect(shown.status == 0 && shown.stdout.hasPrefix("# web run \(expected),"), "\(choice): \(shown.stdout.prefix(200))\(shown.stderr)")
        }
        let diff = try await CLI.run(["diff", "web", "--results", results])
        #expect(diff.status == 0 && diff.stdout.hasPrefix("web: \(runs[0]) (passed) → \(runs[1]) (failed)"), "\(diff.stdout.prefix(200))\(diff.stderr)")
        let named = try await CLI.run(["diff", "web", runs[1], runs[0], "--results", results])
        #expect(named.status == 0 && named.stdout.contains("status: 503 → 200"), "\(named.stderr)")
        // A run that isn't there is looked for in the whole log, which reaches the older segment.
        let missing = try await CLI.run(["show", "web", "--run", "20990101T000000Z-0000", "--results", results])
        #expect(missing.status != 0 && missing.stderr.contains(older), "\(missing.stderr)")
    }

    @Test("a results folder of the layout before segments (runs.jsonl, a folder for every run, records without har) is read in place by show, diff and report; the next run adds to it and nothing is lost")
    func layoutBeforeSegments() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.canaries["web.json"]!.write(toFile: folder + "/web.json", atomically: true, encoding: .utf8)
        let results = folder + "/r"
        let run = { (code: String) in
            try await CLI.run(["run", folder + "/web.json", "--results", results, "--artifacts", "all", "-q", "--var", "code=\(code)"] + TestServers.varArguments,
                              environment: ["SHOW_KEY": Self.key])
        }
        for code in ["200", "503"] { _ = try await run(code) }
        // What that version wrote: records without `har` in runs.jsonl, the mark a byte offset
        // into it, each run's exchanges only in its folder's run.har; no segments, no summaries.
        var lines = ""
        for line in try RunLogFiles.text(results).split(separator: "\n") {
            var record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            record["har"] = nil
            lines += String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self) + "\n"
        }
        for gone in ["runs", "exchanges", "summaries.bin"] { try FileManager.default.removeItem(atPath: results + "/" + gone) }
        try lines.write(toFile: results + "/runs.jsonl", atomically: true, encoding: .utf8)
        try "\(lines.utf8.count)".write(toFile: results + "/state.log-offset", atomically: true, encoding: .utf8)
        let runs = lines.split(separator: "\n").compactMap { try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }.map(\.runId)
        #expect(runs.count == 2)

        let shown = try await CLI.run(["show", "web", "--results", results])
        #expect(shown.status == 0 && shown.stdout.contains("HTTP/1.1 503") && !shown.stdout.contains("no longer kept"), "\(shown.stdout)\(shown.stderr)")
        let passed = try await CLI.run(["show", "web", "--last-passed", "--format", "har", "--results", results])
        #expect(try JSONDecoder().decode(StoredHAR.self, from: Data(passed.stdout.utf8)).log.entries.map(\.response.status) == [200, 200])
        let diff = try await CLI.run(["diff", "web", "--results", results])
        #expect(diff.status == 0 && diff.stdout.contains(#"$.args.code: "200" → "503""#), "\(diff.stdout)\(diff.stderr)")
        let report = try await CLI.run(["report", "--results", results, "-o", folder + "/report.html"])
        #expect(report.status == 0 && report.stdout.contains("1 canaries, 2 runs"), "\(report.stdout)\(report.stderr)")
        #expect(try String(contentsOfFile: folder + "/report.html", encoding: .utf8).contains("What changed since the last pass"))

        #expect(try await run("200").status == 0)
        #expect(try String(contentsOfFile: results + "/runs.jsonl", encoding: .utf8) == lines, "runs.jsonl is read in place, never written")
        let after = try await CLI.run(["report", "--results", results, "-o", folder + "/report.html"])
        #expect(after.stdout.contains("1 canaries, 3 runs"), "\(after.stdout)")
        let metrics = try String(contentsOfFile: results + "/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_runs_total{canary="web",result="passed"} 2"#) && metrics.contains(#"canary_runs_total{canary="web",result="failed"} 1"#), "\(metrics)")
        let old = try await CLI.run(["show", "web", "--run", runs[1], "--results", results])
        #expect(old.status == 0 && old.stdout.contains("HTTP/1.1 503"), "\(old.stderr)")
    }

    @Test("a request body is said to be cut only when it was: a masked secret shortens the recorded text too")
    func requestBodyCut() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let big = String(repeating: "x", count: 6_000)
        try """
            {name: "post", steps: [
              {name: "secret", request: {method: "POST", url: "{{httpbin}}/anything", json: {token: "{{secret.SHOW_KEY}}"}}},
              {name: "big", request: {method: "POST", url: "{{httpbin}}/anything", json: {pad: "\(big)"}}},
            ]}
            """.write(toFile: folder + "/post.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder, "--results", folder + "/r", "-q", "--max-snapshot-bytes", "4096"] + TestServers.varArguments,
                                    environment: ["SHOW_KEY": Self.key])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let shown = try await CLI.run(["show", "post", "--results", folder + "/r"])
        let steps = shown.stdout.components(separatedBy: "### step 2 big")
        #expect(steps.count == 2 && steps[0].contains(#"{"token":"***"}"#) && !steps[0].contains("[cut:"), "\(shown.stdout)")
        #expect(steps.count == 2 && steps[1].contains("[cut: 6010 bytes in all]"), "\(shown.stdout)")
        let curl = try await CLI.run(["show", "post", "--format", "curl", "--results", folder + "/r"])
        let notes = curl.stdout.split(separator: "\n").filter { $0.hasPrefix("# the recorded body holds only") }
        #expect(notes == ["# the recorded body holds only 4096 of its 6010 bytes"], "\(curl.stdout)")
    }

    @Test("diff compares the latest failure with the last pass: outcome, status, JSON body path by path, timings")
    func diff() async throws {
        let (folder, results) = try await Self.recorded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["diff", "web", "--results", results])
        #expect(output.status == 0, "\(output.stderr)")
        for expected in ["(passed) →", "(failed)", "step 2 status: passed → failed", "status: 200 → 503",
                         #"$.args.code: "200" → "503""#, "timings (ms)", "    total"] {
            #expect(output.stdout.contains(expected), "\(expected) in \(output.stdout)")
        }
        #expect(!output.stdout.contains(Self.key))
        let runs = try RunLogFiles.text(results).split(separator: "\n")
            .compactMap { try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }.filter { $0.canary == "web" }.map(\.runId)
        let named = try await CLI.run(["diff", "web", runs[1], runs[0], "--results", results])
        #expect(named.stdout.contains("status: 503 → 200"), "\(named.stdout)")
    }

    @Test("the report's card for the failing canary shows the same diff")
    func reportCard() async throws {
        let (folder, results) = try await Self.recorded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["report", "--results", results, "-o", folder + "/report.html"])
        #expect(output.status == 0, "\(output.stderr)")
        let page = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(page.contains("What changed since the last pass"))
        #expect(page.contains("$.args.code: &quot;200&quot; → &quot;503&quot;"), "\(page)")
        #expect(page.contains("<span class=\"chg\">") || page.contains("status: 200 → 503"))
        #expect(!page.contains(Self.key))
    }

    @Test("--attempt shows each attempt of a retried run with its own exchanges")
    func attempts() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "retried", retries: 1, steps: [{name: "down", request: {url: "{{httpbin}}/status/503"}}]}"#
            .write(toFile: folder + "/retried.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder, "--results", folder + "/r", "-q"] + TestServers.varArguments)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        for attempt in [1, 2] {
            let shown = try await CLI.run(["show", "retried", "--attempt", "\(attempt)", "--results", folder + "/r"])
            #expect(shown.status == 0 && shown.stdout.contains("attempt \(attempt) of 2: failed") && shown.stdout.contains("HTTP/1.1 503"), "\(shown.stdout)\(shown.stderr)")
            let har = try await CLI.run(["show", "retried", "--attempt", "\(attempt)", "--format", "har", "--results", folder + "/r"])
            let archive = try JSONDecoder().decode(StoredHAR.self, from: Data(har.stdout.utf8))
            #expect(archive.log.entries.count == 1 && archive.log.entries.allSatisfy { $0.pageref == "attempt-\(attempt)" })
            #expect(archive.log.pages?.map(\.id) == ["attempt-\(attempt)"])
        }
        let third = try await CLI.run(["show", "retried", "--attempt", "3", "--results", folder + "/r"])
        #expect(third.status == 2 && third.stderr.contains("no attempt 3; kept: 1, 2"), "\(third.stderr)")
    }

    @Test("a redirect's hops stay with their step; the next step shows its own exchange")
    func redirects() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "hop", steps: [{name: "moved", request: {url: "{{httpbin}}/redirect/1"}}, {name: "after", request: {url: "{{httpbin}}/uuid"}}]}"#
            .write(toFile: folder + "/hop.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder, "--results", folder + "/r", "-q"] + TestServers.varArguments)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let shown = try await CLI.run(["show", "hop", "--results", folder + "/r"])
        #expect(shown.stdout.contains("/redirect/1 → 302"), "\(shown.stdout)")
        let after = try #require(shown.stdout.components(separatedBy: "### step 2 after").last)
        #expect(after.contains("/uuid HTTP/1.1") && after.contains("\"uuid\""), "\(shown.stdout)")
        let curl = try await CLI.run(["show", "hop", "--format", "curl", "--results", folder + "/r"])
        #expect(curl.stdout.contains("--location") && curl.stdout.contains("/redirect/1'"), "\(curl.stdout)")
    }

    @Test("an unknown canary or run exits 2 with a did-you-mean; server bytes never reach the terminal raw")
    func unknownAndHostile() async throws {
        let (folder, results) = try await Self.recorded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canary = try await CLI.run(["show", "wbe", "--results", results])
        #expect(canary.status == 2 && canary.stderr.contains("did you mean 'web'"), "\(canary.stderr)")
        let diff = try await CLI.run(["diff", "esacpe", "--results", results])
        #expect(diff.status == 2 && diff.stderr.contains("did you mean 'escape'"), "\(diff.stderr)")
        let run = try await CLI.run(["show", "web", "--run", "20990101T000000Z-zz", "--results", results])
        #expect(run.status == 2 && run.stderr.contains("no run '20990101T000000Z-zz' of web"), "\(run.stderr)")
        let attempt = try await CLI.run(["show", "web", "--attempt", "3", "--results", results])
        #expect(attempt.status == 2 && attempt.stderr.contains("no attempt 3"), "\(attempt.stderr)")
        let noPass = try await CLI.run(["diff", "escape", "--results", results])
        #expect(noPass.status == 2 && noPass.stderr.contains("no failed run of escape"), "\(noPass.stderr)")
        let help = try await CLI.run(["show", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--last-failed"))
        for format in ["http", "har", "json", "curl"] {
            let shown = try await CLI.run(["show", "escape", "--format", format, "--results", results])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(!shown.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }, "\(format)")
        }
    }
}
