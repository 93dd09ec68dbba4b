import CanaryKit
import Foundation
import Testing

/// Issue 22, "smaller, same spirit", against real servers and the built binary.
@Suite("Smaller fixes of issue 22, end to end", .serialized)
struct SmallerFixesCLITests {
    @Test("requests carry User-Agent canary/<version> unless the canary sets its own", arguments: [
        (#"{request: {url: "{{httpbin}}/user-agent"}, expect: {json: {"$['user-agent']": "canary/0.1.0"}}}"#, ""),
        (#"{request: {url: "{{httpbin}}/user-agent", headers: {"user-agent": "mine/1"}}, expect: {json: {"$['user-agent']": "mine/1"}}}"#, ""),
        (#"{request: {url: "{{httpbin}}/user-agent"}, expect: {json: {"$['user-agent']": "team/2"}}}"#, #"defaults: {headers: {"User-Agent": "team/2"}},"#),
    ])
    func userAgent(step: String, extra: String) async throws {
        let result = try #require(await CanaryHarness().runStep(step, extra: extra))
        #expect(result.record.steps[0].error == nil)
        #expect(result.record.steps[0].failures.map(\.message) == [])
    }

    @Test("a captured number sent as exactly \"{{n}}\" stays a number in the JSON body")
    func typedCapture() async throws {
        let result = try #require(await CanaryHarness().run(#"""
            {name: "t", steps: [
              {name: "one", request: {method: "POST", url: "{{httpbin}}/anything", json: {n: 3, ok: true}},
               capture: {n: {json: "$.json.n"}, ok: {json: "$.json.ok"}}},
              {name: "two", request: {method: "POST", url: "{{httpbin}}/anything", json: {n: "{{n}}", ok: "{{ok}}", s: "n={{n}}"}},
               expect: {json: {"$.json.n": 3, "$.json.ok": true, "$.json.s": "n=3"}}},
            ]}
            """#))
        #expect(result.record.steps.map(\.outcome) == [.passed, .passed], "\(result.record.steps.map(\.failures))")
    }

    @Test("the HAR lists the request headers as sent (Host, Accept, User-Agent), like the .http snapshot")
    func harSentHeaders() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "h", steps: [{request: {url: "{{httpbin}}/get", headers: {"X-Mine": "1"}}}]}"#.write(toFile: folder + "/h.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder + "/h.json", "--results", folder + "/results", "--artifacts", "all"] + TestServers.varArguments)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder + "/results/h")
        let har = try Data(contentsOf: URL(fileURLWithPath: folder + "/results/h/\(try #require(runs.first))/run.har"))
        let json = try #require(try JSONSerialization.jsonObject(with: har) as? [String: Any])
        let entries = try #require((json["log"] as? [String: Any])?["entries"] as? [[String: Any]])
        let headers = try #require((entries.first?["request"] as? [String: Any])?["headers"] as? [[String: String]])
        let names = Set(headers.compactMap { $0["name"]?.lowercased() })
        #expect(names.isSuperset(of: ["host", "accept", "user-agent", "x-mine"]), "\(headers)")
    }

    @Test("validate warns about unset {{secret.X}} and {{env.X}} (exit 0) and refuses --var base=host:port (exit 2)")
    func validateWarnings() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "v", steps: [{request: {url: "{{base}}/x", headers: {A: "{{secret.CANARY_TEST_UNSET_SECRET}}"}}}]}"#
            .write(toFile: folder + "/v.json", atomically: true, encoding: .utf8)
        let ok = try await CLI.run(["validate", folder, "--var", "base=http://127.0.0.1:1"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("warning: \(folder)/v.json:1:") && ok.stdout.contains("CANARY_TEST_UNSET_SECRET"), "\(ok.stdout)")
        let noScheme = try await CLI.run(["validate", folder, "--var", "base=127.0.0.1:1"])
        #expect(noScheme.status == 2, "\(noScheme.stdout)\(noScheme.stderr)")
        #expect(noScheme.stdout.contains("must start with http:// or https://"), "\(noScheme.stdout)")
    }

    @Test("-q prints nothing when every canary passes, as help run says")
    func quiet() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "q", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/q.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder, "-q", "--results", folder + "/results"] + TestServers.varArguments)
        #expect(run.status == 0 && run.stdout.isEmpty, "\(run.stdout)")
        let help = try await CLI.run(["help", "run"])
        #expect(help.stdout.contains("nothing when all pass"), "\(help.stdout)")
    }

    @Test("a run waiting for the results folder's lock says so after about a second")
    func waitingForLock() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "w", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/w.json", atomically: true, encoding: .utf8)
        var lock = try ResultsLock(directory: folder + "/results", wait: true)
        #expect(lock != nil)
        let run = Task { try await CLI.run(["run", folder + "/w.json", "--results", folder + "/results"] + TestServers.varArguments) }
        try await Task.sleep(for: .milliseconds(1800))
        lock = nil
        let output = try await run.value
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("waiting for the results folder"), "\(output.stderr)")
    }
}
