import CanaryKit
import Foundation
import Testing

@Suite("Spec section 1: canary-level keys, steps, captures and interpolation")
struct SpecCanaryTests {
    @Test("variables, defaults and --var overrides are merged, the step's header wins")
    func defaultsAndVariables() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "d", variables: {who: "canary"},
             defaults: {headers: {"X-Who": "{{who}}", "X-Both": "default"}, timeout: "3s"},
             steps: [{request: {url: "{{httpbin}}/headers", headers: {"x-both": "step"}},
                      expect: {json: {"$.headers.X-Who": "canary", "$.headers.X-Both": "step"}}}]}
            """))
        #expect(result.record.passed, "\(result.record.steps)")
    }

    @Test("captures from json, header with regex, body and status feed later steps")
    func captures() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "c", steps: [
              {name: "one", request: {url: "{{httpbin}}/response-headers?X-Token=tok-42;%20path=/&n=7"},
               capture: {token: {header: "X-Token", regex: "tok-(\\\\d+)"}, n: {json: "$.n"}, code: {status: true}}},
              {name: "two", request: {url: "{{httpbin}}/anything/{{token}}/{{n}}/{{code}}"},
               expect: {json: {"$.url": {contains: "/anything/42/7/200"}}},
               capture: {whole: {body: true, regex: "\\"method\\": \\"(\\\\w+)\\""}}},
              {name: "three", request: {url: "{{httpbin}}/anything/{{whole}}"}, expect: {json: {"$.url": {contains: "/GET"}}}},
            ]}
            """))
        #expect(result.record.passed, "\(result.record.steps)")
    }

    @Test("a capture that finds nothing fails its step and names the capture")
    func missingCapture() async throws {
        let result = try #require(await CanaryHarness().runStep(
            #"{request: {url: "{{site}}/hello.txt"}, capture: {sid: {header: "Set-Cookie", regex: "sid=([^;]+)"}}}"#))
        let failure = try #require(result.record.steps[0].failures.first)
        #expect(failure.assertion == "capture sid")
        #expect(failure.message.contains("sid"))
    }

    @Test("a failed step skips the rest unless continueOnFailure")
    func skipping() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "k", steps: [
              {name: "a", request: {url: "{{httpbin}}/status/500"}, expect: {status: 200}, continueOnFailure: true},
              {name: "b", request: {url: "{{httpbin}}/status/500"}, expect: {status: 200}},
              {name: "c", request: {url: "{{httpbin}}/get"}},
            ]}
            """))
        #expect(result.record.steps.map(\.outcome) == [.failed, .failed, .skipped])
        #expect(result.record.steps[2].statusCode == 0)
        #expect(!result.record.passed)
        #expect(result.record.error == "step a: status: expected 200, got 500", "the first failure names the run's error")
    }

    @Test("retries re-run a failing canary and the last attempt counts")
    func retries() async throws {
        let result = try #require(await CanaryHarness().run(
            #"{name: "r", retries: 2, steps: [{request: {url: "{{httpbin}}/status/503"}, expect: {status: 200}}]}"#))
        #expect(result.record.attempt == 3)
        #expect(!result.record.passed)
        let passing = try #require(await CanaryHarness().run(
            #"{name: "r", retries: 2, steps: [{request: {url: "{{httpbin}}/status/200"}}]}"#))
        #expect(passing.record.attempt == 1)
    }

    @Test("the canary timeout cancels the in-flight transfer and skips the rest")
    func canaryTimeout() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let result = try #require(await CanaryHarness().run("""
            {name: "t", timeout: "1s", steps: [
              {name: "slow", request: {url: "{{httpbin}}/delay/4", timeout: "10s"}},
              {name: "after", request: {url: "{{httpbin}}/get"}},
            ]}
            """))
        #expect(clock.now - started < .milliseconds(2500))
        #expect(result.record.steps.map(\.outcome) == [.failed, .skipped])
        #expect(result.record.steps[0].errorKind == "timeout")
        #expect(result.record.error == "canary timeout of 1s exceeded")
    }

    @Test("tags, name and times are recorded")
    func record() async throws {
        let result = try #require(await CanaryHarness().run(
            #"{name: "rec", description: "d", schedule: "rate(5 minutes)", tags: {team: "web"}, steps: [{request: {url: "{{site}}/hello.txt"}}]}"#))
        let record = result.record
        #expect(record.canary == "rec")
        #expect(record.tags == ["team": "web"])
        #expect(record.runId.wholeMatch(of: /\d{8}T\d{6}Z-[0-9a-f]{4}/) != nil)
        #expect(record.start.hasSuffix("Z") && record.end >= record.start)
        #expect(record.durationMs > 0)
        #expect(record.steps[0].name == "step-1")
    }

    @Test("env and secret placeholders resolve from the environment; a missing one is a clear error")
    func environment() async throws {
        var harness = CanaryHarness()
        harness.environment["CANARY_TEST_USER"] = "ann"
        harness.environment["CANARY_TEST_TOKEN"] = "s3cr3t-value"
        let result = try #require(await harness.run("""
            {name: "e", steps: [{request: {url: "{{httpbin}}/anything?u={{env.CANARY_TEST_USER}}",
              headers: {Authorization: "Bearer {{secret.CANARY_TEST_TOKEN}}"}},
              expect: {json: {"$.args.u": "ann", "$.headers.Authorization": "Bearer s3cr3t-value"}}}]}
            """))
        #expect(result.record.passed)
        #expect(result.secrets.contains("s3cr3t-value"))

        let missing = try #require(await CanaryHarness().run(
            #"{name: "m", steps: [{name: "login", request: {url: "{{httpbin}}/get?u={{env.CANARY_NOT_SET_ANYWHERE}}"}}]}"#))
        let error = try #require(missing.record.steps[0].error)
        #expect(error.contains("CANARY_NOT_SET_ANYWHERE") && error.contains("login") && error.contains("test.json"), "\(error)")
    }
}
