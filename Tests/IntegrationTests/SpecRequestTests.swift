import CanaryKit
import Foundation
import Testing

@Suite("Spec section 1: every request key, checked by httpbin's echo")
struct SpecRequestTests {
    @Test("request keys reach the server as written", arguments: [
        SpecCase(#"{request: {url: "{{httpbin}}/get"}, expect: {json: {"$.url": {contains: "/get"}}}}"#, nil),
        SpecCase(#"{request: {method: "put", url: "{{httpbin}}/put", body: "x"}, expect: {status: 200, json: {"$.data": "x"}}}"#, nil),
        SpecCase(#"{request: {method: "PATCH", url: "{{httpbin}}/anything"}, expect: {json: {"$.method": "PATCH"}}}"#, nil),
        SpecCase(#"{request: {method: "HEAD", url: "{{site}}/hello.txt"}, expect: {status: 200, size: 0}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/get?x=1", query: {q: "a b", "ü": "&="}}, expect: {json: {"$.args.q": "a b", "$.args.x": "1", "$.args['ü']": "&="}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/headers", headers: {"X-Canary": "yes"}}, expect: {json: {"$.headers.X-Canary": "yes"}}}"#, nil),
        SpecCase(#"{request: {method: "POST", url: "{{httpbin}}/post", json: {a: [1, true, null], b: {c: "d"}}}, expect: {json: {"$.json.a[0]": 1, "$.json.a[1]": true, "$.json.a[2]": {type: "null"}, "$.json.b.c": "d", "$.headers.Content-Type": "application/json"}}}"#, nil),
        SpecCase(#"{request: {method: "POST", url: "{{httpbin}}/post", body: "raw text"}, expect: {json: {"$.data": "raw text"}}}"#, nil),
        SpecCase(#"{request: {method: "POST", url: "{{httpbin}}/post", form: {k: "v w", n: "1"}}, expect: {json: {"$.form.k": "v w", "$.form.n": "1"}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/redirect/1", followRedirects: false}, expect: {status: 302, redirects: 0}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/redirect/1"}, expect: {status: 200, redirects: 1}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/gzip"}, expect: {json: {"$.gzipped": true}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/deflate"}, expect: {json: {"$.deflated": true}}}"#, nil),
        SpecCase(#"{request: {url: "{{tls}}/hello.txt", insecure: true}, expect: {status: 200}}"#, nil),
    ])
    func request(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "transfer failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message)
    }

    @Test("more redirects than maxRedirects fail the step as too many redirects")
    func tooManyRedirects() async throws {
        let result = try #require(await CanaryHarness().runStep(#"{request: {url: "{{httpbin}}/redirect/5", maxRedirects: 2}}"#))
        #expect(result.record.steps[0].errorKind == "tooManyRedirects")
        #expect(result.record.steps[0].error?.contains("redirect") == true)
    }

    @Test("a 1 s request timeout against a server answering after 4 s ends the step in about 1 s")
    func requestTimeout() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let result = try #require(await CanaryHarness().runStep(#"{request: {url: "{{httpbin}}/delay/4", timeout: "1s"}}"#))
        let elapsed = clock.now - started
        let step = result.record.steps[0]
        #expect(step.outcome == .failed)
        #expect(step.errorKind == "timeout")
        #expect(elapsed >= .milliseconds(900) && elapsed < .milliseconds(2500), "took \(elapsed)")
    }

    @Test("connection refused is reported as such")
    func refused() async throws {
        let result = try #require(await CanaryHarness().runStep(#"{request: {url: "{{closed}}/"}}"#))
        #expect(result.record.steps[0].errorKind == "connectionRefused")
    }
}
