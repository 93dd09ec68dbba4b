import Foundation
import Testing

/// Issue 23, what CI users reach for: reports for GitHub Actions, TAP and JSON; --fail-fast;
/// --retry, --retry-interval and --timeout over the files; --vars-file; --no-results.
@Suite("canary run: the CI flags")
struct CIFlagsTests {
    /// `up` passes; `down` fails its status assertion, written on line 3 of down.json.
    private func pair() throws -> String {
        let folder = try makeTemporaryDirectory()
        try #"{name: "up", steps: [{name: "get", request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/up.json", atomically: true, encoding: .utf8)
        try "{name: \"down\", steps: [\n  {name: \"health\", request: {url: \"{{httpbin}}/status/503\"},\n   expect: {status: 200}}]}\n"
            .write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        return folder
    }

    @Test("--report-format github: an ::error at the failing assertion's file and line, and a Markdown job summary")
    func github() async throws {
        let folder = try pair()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(
            ["run", folder, "--results", folder + "/r", "--report-format", "github", "--screenshots", "none"] + TestServers.varArguments,
            environment: ["GITHUB_STEP_SUMMARY": folder + "/summary.md"])
        #expect(output.status == 1)
        let annotations = output.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
        #expect(annotations == ["::error file=\(folder)/down.json,line=3,col=13,title=canary down › health::status: expected 200, got 503"], "\(output.stdout)")
        let summary = try String(contentsOfFile: folder + "/summary.md", encoding: .utf8)
        #expect(summary.contains("### canary: 1 passed, 1 failed"), "\(summary)")
        #expect(summary.contains("| ❌ | down |") && summary.contains("| ✅ | up |"), "\(summary)")
        #expect(summary.range(of: "down")!.lowerBound < summary.range(of: "| ✅ | up")!.lowerBound, "name order")
    }

    @Test("--report-format tap on stdout (console lines move to stderr) and json to a file")
    func tapAndJSON() async throws {
        let folder = try pair()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(
            ["run", folder, "--results", folder + "/r", "--report-format", "tap", "--report-format", "json:\(folder)/out/summary.json",
             "--screenshots", "none"] + TestServers.varArguments)
        #expect(output.status == 1)
        let tap = output.stdout
        #expect(tap.hasPrefix("TAP version 13\n1..2\nnot ok 1 - down\n  ---\n"), "\(tap)")
        #expect(tap.contains("\nok 2 - up\n"), "\(tap)")
        #expect(tap.contains(#"  message: "health › status: expected 200, got 503""#), "\(tap)")
        #expect(output.stderr.contains("✗ down"), "console lines on stderr: \(output.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/out/summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(summary["passed"] as? Int == 1 && summary["failed"] as? Int == 1)
        #expect((summary["runs"] as? [[String: Any]])?.map { $0["canary"] as? String } == ["down", "up"])
        // Two things on stdout would mix: refused before anything runs.
        for extra in [["--report-format", "json"], ["--report-format", "github"], ["--junit", "-"]] {
            let both = try await CLI.run(["run", folder, "--results", folder + "/r", "--report-format", "tap"] + extra + TestServers.varArguments)
            #expect(both.status == 2 && both.stderr.contains("only one report can go to stdout"), "\(extra): \(both.stderr)")
        }
    }

    @Test("--fail-fast: after the first failure nothing starts and the running canary is cancelled")
    func failFast() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "a-fails", steps: [{request: {url: "{{httpbin}}/status/500"}}]}"#.write(toFile: folder + "/a.json", atomically: true, encoding: .utf8)
        try #"{name: "b-slow", steps: [{request: {url: "{{httpbin}}/delay/5"}}]}"#.write(toFile: folder + "/b.json", atomically: true, encoding: .utf8)
        try #"{name: "c-later", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        let started = clock.now
        let output = try await CLI.run(["run", folder, "--results", folder + "/r", "--jobs", "2", "--fail-fast", "--screenshots", "none"] + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        #expect(clock.now - started < .seconds(4), "b-slow (5 s) was cancelled, not awaited")
        #expect(output.stdout.contains("stopped by --fail-fast: 1 cancelled, 1 not started"), "\(output.stdout)")
        let runs = try RunLogFiles.text(folder + "/r")
        #expect(!runs.contains("c-later"))
    }

    @Test("--retry 2 --retry-interval 300ms retries a failing target into a pass; --timeout overrides the file's")
    func retryAndTimeout() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = UUID().uuidString
        try #"{name: "flaky", retries: 0, steps: [{request: {url: "{{hostile}}/flaky?key=\#(key)&fails=2"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/flaky.json", atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        let started = clock.now
        let retried = try await CLI.run(
            ["run", folder + "/flaky.json", "--results", folder + "/r", "--retry", "2", "--retry-interval", "300ms"] + TestServers.varArguments)
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        #expect(retried.stdout.contains("(attempt 3)"), "\(retried.stdout)")
        #expect(clock.now - started >= .milliseconds(600), "two pauses of 300 ms")

        try #"{name: "slow", timeout: "60s", steps: [{request: {url: "{{httpbin}}/delay/5"}}]}"#
            .write(toFile: folder + "/slow.json", atomically: true, encoding: .utf8)
        let began = clock.now
        let timed = try await CLI.run(["run", folder + "/slow.json", "--results", folder + "/r", "--timeout", "500ms"] + TestServers.varArguments)
        #expect(timed.status == 1)
        #expect(timed.stdout.contains("canary timeout of 500ms exceeded"), "\(timed.stdout)")
        #expect(clock.now - began < .seconds(3))
    }

    @Test("--vars-file in JSON5 and NAME=value lines; --var wins; a name no canary uses is no error")
    func varsFile() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "v", steps: [{request: {url: "{{base}}/{{path}}"}, expect: {status: 200}}]}"#.write(toFile: folder + "/v.json", atomically: true, encoding: .utf8)
        try "{base: \"\(TestServers.nginx)\", path: \"missing\", unused: 3}".write(toFile: folder + "/vars.json5", atomically: true, encoding: .utf8)
        try "# staging\nbase=\(TestServers.nginx)\n\npath=hello.txt\nother=x\n".write(toFile: folder + "/vars.env", atomically: true, encoding: .utf8)
        let lines = try await CLI.run(["run", folder + "/v.json", "--results", folder + "/r", "--vars-file", folder + "/vars.env"])
        #expect(lines.status == 0, "\(lines.stdout)\(lines.stderr)")
        let overridden = try await CLI.run(
            ["run", folder + "/v.json", "--results", folder + "/r", "--var", "path=hello.txt", "--vars-file", folder + "/vars.json5"])
        #expect(overridden.status == 0, "--var wins over the file: \(overridden.stdout)\(overridden.stderr)")
        try "base\n".write(toFile: folder + "/bad.env", atomically: true, encoding: .utf8)
        let bad = try await CLI.run(["run", folder + "/v.json", "--results", folder + "/r", "--vars-file", folder + "/bad.env"])
        #expect(bad.status == 2 && bad.stderr.contains("bad.env:1: expected NAME=value"), "\(bad.stderr)")
    }

    @Test("--no-results leaves nothing behind: no ./results, no temporary folder")
    func noResults() async throws {
        let folder = try pair()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let temp = folder + "/tmp"
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let output = try await CLI.run(
            ["run", folder + "/up.json", "--no-results", "--junit", folder + "/junit.xml"] + TestServers.varArguments,
            environment: ["TMPDIR": temp], currentDirectory: folder)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/results"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp).isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder + "/junit.xml"), "the reports asked for are still written")
        let both = try await CLI.run(["run", folder + "/up.json", "--no-results", "--results", folder + "/r"])
        #expect(both.status == 2)
    }
}

/// The README's GitHub Actions and GitLab CI examples: their `canary run` lines, run as written
/// with `canaries/` and `ci/staging.env` made in a scratch folder.
@Suite("the README's CI examples run")
struct ReadmeCIExamplesTests {
    @Test("each `canary run` line of the README's yaml blocks runs, passes and writes its reports")
    func ciLines() async throws {
        let readme = try String(contentsOfFile: ReadmeExamplesTests.root + "/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n").compactMap { line -> String? in
            guard let start = line.range(of: "canary run ") else { return nil }
            let prefix = line[..<start.lowerBound].trimmingCharacters(in: .whitespaces)
            return prefix == "run:" || prefix == "-" ? String(line[start.lowerBound...]) : nil
        }
        #expect(lines.count == 2, "\(lines)")
        let binaries = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path
        for line in lines {
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try FileManager.default.createDirectory(atPath: folder + "/canaries", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: folder + "/ci", withIntermediateDirectories: true)
            try #"{name: "api", steps: [{request: {url: "{{base}}/bearer", headers: {Authorization: "Bearer {{secret.API_TOKEN}}"}}, expect: {status: 200}}]}"#
                .write(toFile: folder + "/canaries/api.json", atomically: true, encoding: .utf8)
            try "base=\(TestServers.httpbin)\n".write(toFile: folder + "/ci/staging.env", atomically: true, encoding: .utf8)
            let output = try await CLI.run(
                ["-c", line], environment: ["PATH": binaries + ":/usr/bin:/bin", "API_TOKEN": "ci-token", "GITHUB_STEP_SUMMARY": folder + "/summary.md"],
                currentDirectory: folder, executable: "/bin/sh")
            #expect(output.status == 0, "\(line)\n\(output.stdout)\(output.stderr)")
            #expect(FileManager.default.fileExists(atPath: folder + "/reports/junit.xml"), "\(line)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/results"), "\(line)")
        }
    }
}
