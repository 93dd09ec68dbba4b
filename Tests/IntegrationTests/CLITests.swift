import CanaryKit
import Foundation
import Testing

/// The built binary, end to end: exit codes, output lines, records on disk.
@Suite("canary command line")
struct CLITests {
    private func write(_ files: [String: String]) throws -> String {
        let folder = try makeTemporaryDirectory()
        for (name, text) in files {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test("validate over a folder of broken files reports every file with file:line:column and exits 2")
    func validateBroken() async throws {
        let folder = try write([
            "a-syntax.json": "{\n  name: \"a\",\n  steps: [\n    {request: {url: \"x\"}}\n  ]\n  oops\n}",
            "b-unknown-key.json": "{\"name\": \"b\", \"steps\": [{\"request\": {\"url\": \"http://x\"}, \"expekt\": {}}]}",
            "c-bad-duration.json": "{\"name\": \"c\", \"timeout\": \"5 parsecs\", \"steps\": [{\"request\": {\"url\": \"http://x\"}}]}",
            "d-unknown-variable.json": "{\"name\": \"d\", \"steps\": [{\"name\": \"s\", \"request\": {\"url\": \"{{bsae}}/x\"}}], \"variables\": {\"base\": \"http://x\"}}",
            "e-good.json": "{\"name\": \"e\", \"steps\": [{\"request\": {\"url\": \"http://127.0.0.1:1/\"}, \"expect\": {\"status\": 200}}]}",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["validate", folder])
        #expect(output.status == 2)
        for file in ["a-syntax.json:6:", "b-unknown-key.json:1:", "c-bad-duration.json:1:", "d-unknown-variable.json:1:"] {
            #expect(output.stdout.contains(folder + "/" + file), "missing \(file) in:\n\(output.stdout)")
        }
        #expect(output.stdout.contains("did you mean 'expect'"))
        #expect(output.stdout.contains("did you mean {{base}}"))
        #expect(!output.stdout.contains("e-good.json"))
    }

    @Test("run with one broken file still runs the others, lists the broken one and exits 2")
    func runWithBrokenFile() async throws {
        let folder = try write([
            "broken.json": "{name: \"broken\", steps: []}",
            "good.json": "{name: \"good\", steps: [{request: {url: \"{{site}}/hello.txt\"}, expect: {status: 200}}]}",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", folder, "--results", folder + "/results"] + TestServers.varArguments)
        #expect(output.status == 2, "\(output.stdout)\n\(output.stderr)")
        #expect(output.stdout.contains("✓ good"))
        #expect(output.stderr.contains(folder + "/broken.json:1:"))
        let log = try RunLogFiles.text(folder + "/results")
        #expect(log.split(separator: "\n").count == 1)
    }

    @Test("exit code 0 when all pass, 1 when one fails, with the failure on the canary's line")
    func exitCodes() async throws {
        let folder = try write([
            "pass.json": "{steps: [{request: {url: \"{{site}}/hello.txt\"}}]}",
            "fail.json": "{steps: [{name: \"login\", request: {url: \"{{httpbin}}/status/503\"}, expect: {status: 200}}]}",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let all = try await CLI.run(["run", folder, "--results", folder + "/r"] + TestServers.varArguments)
        #expect(all.status == 1)
        #expect(all.stdout.contains("✗ fail"))
        #expect(all.stdout.contains("login › status: expected 200, got 503"))
        #expect(all.stdout.contains("1 passed, 1 failed"))
        let one = try await CLI.run(["run", folder, "--only", "pass", "--results", folder + "/r"] + TestServers.varArguments)
        #expect(one.status == 0)
        #expect(!one.stdout.contains("✗"))
        #expect(!one.stdout.contains("\u{1B}["), "no terminal control codes when stdout is not a TTY")
    }

    @Test("--tag selects canaries, --var defines a variable the canary lacks")
    func selection() async throws {
        let folder = try write([
            "web.json": "{tags: {team: \"web\"}, steps: [{request: {url: \"{{where}}/hello.txt\"}}]}",
            "api.json": "{tags: {team: \"api\"}, steps: [{request: {url: \"{{where}}/nothing\"}}]}",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", folder, "--tag", "team=web", "--var", "where=\(TestServers.nginx)", "--results", folder + "/r"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("✓ web") && !output.stdout.contains("api"))
        let undefined = try await CLI.run(["run", folder, "--results", folder + "/r"])
        #expect(undefined.status == 2)
        #expect(undefined.stderr.contains("where"))
    }

    @Test("records: runs.jsonl and run.json carry the spec's fields")
    func records() async throws {
        let folder = try write(["rec.json": "{tags: {team: \"web\"}, steps: [{name: \"home\", request: {url: \"{{site}}/hello.txt\"}}]}"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", folder, "--results", folder + "/r", "--artifacts", "all"] + TestServers.varArguments)
        #expect(output.status == 0)
        let line = try #require(try RunLogFiles.text(folder + "/r").split(separator: "\n").first)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        for key in ["canary", "runId", "start", "end", "durationMs", "passed", "attempt", "tags", "steps"] {
            #expect(record[key] != nil, "missing \(key)")
        }
        #expect(record.keys.contains("error") || record["error"] == nil)
        let runId = try #require(record["runId"] as? String)
        let runJSON = folder + "/r/rec/\(runId)/run.json"
        #expect(FileManager.default.fileExists(atPath: runJSON))
        let steps = try #require(record["steps"] as? [[String: Any]])
        let timings = try #require(steps.first?["timings"] as? [String: Any])
        #expect(Set(timings.keys) == ["dns", "connect", "tls", "firstByte", "transfer", "total"])
        #expect(steps.first?["outcome"] as? String == "passed")
        #expect(steps.first?["statusCode"] as? Int == 200)
    }

    @Test("-v shows request and response with the secret masked, and nothing on disk holds it")
    func verboseRedacts() async throws {
        let folder = try write(["sec.json": """
            {steps: [{request: {url: "{{httpbin}}/anything?token={{secret.CANARY_PLANTED}}",
              headers: {Authorization: "Bearer {{secret.CANARY_PLANTED}}", "X-Echo": "{{secret.CANARY_PLANTED}}"},
              json: {t: "{{secret.CANARY_PLANTED}}"}}, expect: {status: 201}}]}
            """])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let planted = "planted-Zq81-secret"
        let output = try await CLI.run(["run", folder, "-v", "--results", folder + "/r"] + TestServers.varArguments, environment: ["CANARY_PLANTED": planted])
        #expect(output.status == 1)
        #expect(output.stdout.contains("> GET") || output.stdout.contains("> POST"))
        #expect(output.stdout.contains("< HTTP/1.1 200"))
        #expect(output.stdout.contains("***"))
        #expect(!output.stdout.contains(planted) && !output.stderr.contains(planted))
        let enumerator = FileManager.default.enumerator(atPath: folder + "/r")
        while let path = enumerator?.nextObject() as? String {
            let data = FileManager.default.contents(atPath: folder + "/r/" + path) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(planted), "\(path) holds the secret")
        }
    }

    @Test("-v shows a CR LF body (nginx's own 404 page) as lines of text, not escaped line breaks")
    func verboseCRLFBody() async throws {
        let folder = try write(["page.json": #"{steps: [{request: {url: "{{site}}/no-such-page"}, expect: {status: 200}}]}"#])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", folder, "-v", "--results", folder + "/r"] + TestServers.varArguments("site"))
        #expect(output.status == 1)
        let body = output.stdout.split(separator: "\n").filter { $0.hasPrefix("  < <") }
        #expect(body.contains("  < <head><title>404 Not Found</title></head>"), "\(output.stdout)")
        #expect(!output.stdout.contains("\\r"), "\(output.stdout)")
    }

    @Test("help, version and bad usage")
    func usage() async throws {
        #expect(try await CLI.run(["--version"]).stdout.hasPrefix("canary "))
        #expect(try await CLI.run(["--help"]).stdout.contains("canary run PATH"))
        #expect(try await CLI.run(["help", "run"]).stdout.contains("--var NAME=VALUE"))
        let bad = try await CLI.run(["run", "canaries", "--jobz", "3"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("did you mean '--jobs'"))
        #expect(try await CLI.run(["frobnicate"]).status == 2)
    }

    @Test("list shows name, steps, schedule and the next run time")
    func list() async throws {
        let folder = try write(["l.json": "{schedule: \"rate(5 minutes)\", steps: [{request: {url: \"http://x/\"}}, {request: {url: \"http://x/\"}}]}"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["list", folder])
        #expect(output.status == 0)
        #expect(output.stdout.contains("NAME"))
        #expect(output.stdout.contains("rate(5 minutes)"))
        let row = try #require(output.stdout.split(separator: "\n").last)
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").hasPrefix("l 2 rate(5 minutes) 20"), "\(output.stdout)")
    }
}
