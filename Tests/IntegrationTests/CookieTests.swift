import CanaryKit
import Foundation
import Testing

/// `cookies: true` against httpbin: /cookies/set?name=value sets a cookie and answers 302 to
/// /cookies, which echoes the cookies the request sent as {"cookies": {…}}.
@Suite("cookies: a jar per run, expect.cookies, capture cookie")
struct CookieTests {
    private func failures(_ result: RunResult) -> String {
        result.record.steps.map { "\($0.name): \($0.error ?? "") \($0.failures.map(\.message))" }.joined(separator: "; ")
    }

    @Test("a cookie set by a redirect's first hop is sent on the hop after it and by the next step")
    func carried() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "c", cookies: true, steps: [
              {name: "set", request: {url: "{{httpbin}}/cookies/set?session=abc"},
               expect: {status: 200, redirects: 1, json: {"$.cookies.session": "abc"}, cookies: {session: "abc"}}},
              {name: "read", request: {url: "{{httpbin}}/cookies"}, expect: {json: {"$.cookies.session": "abc"}, cookies: {session: {exists: true}}}},
            ]}
            """))
        #expect(result.record.passed, "\(failures(result))")
    }

    @Test("expect.cookies fails with an exact message when the cookie differs or is missing")
    func failing() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "c", cookies: true, steps: [
              {name: "set", request: {url: "{{httpbin}}/cookies/set?session=abc"},
               expect: {cookies: {session: "xyz", other: {exists: true}}}},
            ]}
            """))
        #expect(!result.record.passed)
        #expect(result.record.steps[0].failures.map(\.message) == [
            #"cookie session: expected "xyz", got "abc""#,
            "cookie other: expected exists, got nothing (no such cookie in the jar)",
        ], "\(failures(result))")
    }

    @Test("a captured cookie feeds a later step's header; a missing one fails the capture")
    func capture() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "c", cookies: true, steps: [
              {name: "set", request: {url: "{{httpbin}}/cookies/set?session=abc"}, capture: {sid: {cookie: "session"}}},
              {name: "use", request: {url: "{{httpbin}}/headers", headers: {"X-Sid": "{{sid}}"}}, expect: {json: {"$.headers.X-Sid": "abc"}}},
              {name: "none", request: {url: "{{httpbin}}/cookies"}, capture: {nope: {cookie: "missing"}}},
            ]}
            """))
        let steps = result.record.steps
        #expect(steps[0].outcome == .passed && steps[1].outcome == .passed, "\(failures(result))")
        #expect(steps[2].failures.map(\.message) == ["capture 'nope': cookie missing is not in the jar"], "\(failures(result))")
    }

    @Test("no cookie reaches the next run, a retry's attempt, another canary, or a canary without cookies: true")
    func noLeaks() async throws {
        let harness = CanaryHarness()
        let jarred = """
            {name: "a", cookies: true, steps: [
              {name: "empty", request: {url: "{{httpbin}}/cookies"}, expect: {json: {"$.cookies": {eq: {}}}}},
              {name: "set", request: {url: "{{httpbin}}/cookies/set?leak=1"}, expect: {json: {"$.cookies.leak": "1"}}},
            ]}
            """
        for _ in 0..<2 {
            let run = try #require(await harness.run(jarred))
            #expect(run.record.passed, "\(failures(run))")
        }
        // The first attempt sets the cookie, then fails; the retry starts with an empty jar.
        let retried = try #require(await harness.run("""
            {name: "r", cookies: true, retries: 1, steps: [
              {name: "empty", request: {url: "{{httpbin}}/cookies"}, expect: {json: {"$.cookies": {eq: {}}}}},
              {name: "set", request: {url: "{{httpbin}}/cookies/set?leak=1"}, expect: {status: 500}},
            ]}
            """))
        #expect(retried.record.attempt == 2)
        #expect(retried.record.steps[0].outcome == .passed, "\(failures(retried))")
        // Without a jar libcurl keeps no cookies, not even across the redirect.
        let plain = try #require(await harness.run("""
            {name: "p", steps: [{request: {url: "{{httpbin}}/cookies/set?leak=1"}, expect: {json: {"$.cookies": {eq: {}}}}}]}
            """))
        #expect(plain.record.passed, "\(failures(plain))")
    }

    @Test("the jar's values are masked in -v, the Cookie header the next step sends included")
    func masked() async throws {
        let value = "JarSessionQ81x"
        let result = try #require(await CanaryHarness().run("""
            {name: "c", cookies: true, steps: [
              {name: "set", request: {url: "{{httpbin}}/cookies/set?session=\(value)"}},
              {name: "read", request: {url: "{{httpbin}}/cookies"}, expect: {body: {contains: "nope"}}},
            ]}
            """))
        let text = ConsoleReport.verbose(result)
        #expect(text.contains("Cookie:"), "\(text)")
        #expect(!text.contains(value), "\(text)")
        #expect(!result.record.steps[1].failures.map(\.message).joined().contains(value))
    }
}
