import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

/// Issue 22, "smaller, same spirit", the parts that need no server.
@Suite("Smaller fixes of issue 22")
struct SmallerFixesTests {
    @Test("a capture with a broken key is reported at the capture, not as 'captured by a later step' where it is used")
    func brokenCaptureUsedLater() throws {
        let text = """
            {
              name: "shop",
              steps: [
                {name: "login", request: {url: "http://x/login"}, capture: {token: {jsn: "$.token"}}},
                {name: "cart", request: {url: "http://x/cart", headers: {Authorization: "Bearer {{token}}"}}},
              ],
            }
            """
        let problems = loadProblems(text)
        #expect(problems.allSatisfy { $0.step == "login" }, "\(problems)")
        #expect(problems.contains { $0.message.hasPrefix("unknown key 'jsn'") }, "\(problems)")
        #expect(!problems.contains { $0.message.contains("later step") }, "\(problems)")
    }

    @Test("a template that is exactly one {{capture}} keeps the captured JSON type; text around it makes a string")
    func typedCapture() throws {
        var interpolator = Interpolator(variables: ["v": "7"], environment: [:])
        interpolator.set("n", "3", json: .number(3))
        interpolator.set("flags", "[true,null]", json: .array([.bool(true), .null]))
        let body: JSONValue = .object([
            ("n", .string("{{n}}")), ("spaced", .string("{{ n }}")), ("text", .string("n={{n}}")),
            ("flags", .string("{{flags}}")), ("v", .string("{{v}}")),
        ])
        #expect(try interpolator.render(json: body) == .object([
            ("n", .number(3)), ("spaced", .number(3)), ("text", .string("n=3")),
            ("flags", .array([.bool(true), .null])), ("v", .string("7")),
        ]))
        // A later capture of the same name as text drops the type.
        interpolator.set("n", "x")
        #expect(try interpolator.render(json: .string("{{n}}")) == .string("x"))
    }

    @Test("the report chart draws a timed-out step's waiting time, so a 1.5 s run is as tall as 1.5 s")
    func chartCountsTimeout() {
        let timedOut = StepRecord(
            name: "slow", outcome: .failed, statusCode: 0,
            timings: Timings(dns: 0.1, connect: 0.4, tls: 0, firstByte: 0, transfer: 0, total: 1500),
            failures: [], error: "timeout", errorKind: "timeout", request: RequestSummary(method: "GET", url: "http://x/"), response: nil)
        let run = RunRecord(
            canary: "c", runId: "20261122T140000Z-0001", start: "2026-11-22T14:00:00.000Z", end: "2026-11-22T14:00:01.500Z",
            durationMs: 1500, passed: false, attempt: 1, tags: [:], error: "timeout", file: "c.json", steps: [timedOut])
        let total = LatencyChart.phaseTimes(run).reduce(0, +)
        #expect(abs(total - 1500) < 0.001, "\(LatencyChart.phaseTimes(run))")
    }

    @Test("a URL that starts with a variable is checked with the variable's value, from --var or the file", arguments: [
        (["base": "127.0.0.1:8080"], true),
        (["base": "http://127.0.0.1:8080"], false),
        ([:], false),
    ])
    func urlFromVariable(_ values: [String: String], refused: Bool) {
        let text = #"{name: "c", variables: {base: "https://ok.example"}, steps: [{request: {url: "{{base}}/x"}}]}"#
        let result = CanaryLoader.load(source: Array(text.utf8), file: "c.json", variables: values)
        #expect(result.1.isEmpty != refused, "\(result.1)")
        if refused {
            #expect(result.1.first?.message.contains("\"127.0.0.1:8080\"") == true && result.1.first?.message.contains("--var base") == true, "\(result.1)")
        }
        let own = #"{name: "c", variables: {base: "localhost:1"}, steps: [{request: {url: "{{base}}/x"}}]}"#
        #expect(CanaryLoader.load(source: Array(own.utf8), file: "c.json").1.first?.message.contains("must start with http://") == true)
    }

    @Test("{{env.X}} and {{secret.X}} that the environment lacks are warnings, with their place; set ones are not")
    func unsetEnvironmentWarnings() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("c.json", #"{name: "c", steps: [{request: {url: "http://x/{{env.SET_ONE}}", headers: {A: "{{secret.UNSET_TOKEN}}"}}, expect: {body: {notContains: "{{env.UNSET_NAME}}"}}}]}"#)
        let result = CanaryLoader.load(paths: [file], environment: ["SET_ONE": "1"])
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.warnings.map(\.message) == [
            "secret 'UNSET_TOKEN' is not set in this environment: runs fail unless UNSET_TOKEN is set where they run",
            "environment variable 'UNSET_NAME' is not set in this environment: runs fail unless UNSET_NAME is set where they run",
        ], "\(result.warnings)")
        #expect(result.warnings.allSatisfy { $0.location.file == file && $0.location.line == 1 })
    }
}
