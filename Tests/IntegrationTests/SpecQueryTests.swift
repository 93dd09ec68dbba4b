import CanaryKit
import Foundation
import Testing

@Suite("Spec section 1: every query against a real server")
struct SpecQueryTests {
    @Test("each query reads the response as the spec says", arguments: [
        SpecCase(#"{request: {url: "{{httpbin}}/status/503"}, expect: {status: 200}}"#, "status: expected 200, got 503"),
        SpecCase(#"{request: {url: "{{httpbin}}/status/201"}, expect: {status: [200, 201]}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/status/302", followRedirects: false}, expect: {status: {gte: 200, lt: 300}}}"#, "status: expected < 300, got 302"),
        SpecCase(#"{request: {url: "{{site}}/status.json"}, expect: {headers: {"content-TYPE": {contains: "json"}}}}"#, nil),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {headers: {"Content-Type": {contains: "json"}}}}"#, #"header Content-Type: expected contains "json", got "text/plain""#),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {headers: {"X-Missing": {exists: true}}}}"#, "header X-Missing: expected exists, got nothing (no such header in the response)"),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {body: "ok\n"}}"#, nil),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {body: {contains: "ok", notContains: "error"}}}"#, nil),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {body: {contains: "nope"}}}"#, #"body: expected contains "nope", got "ok\n""#),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {size: 3}}"#, nil),
        SpecCase(#"{request: {url: "{{site}}/big.txt"}, expect: {size: 3000000}}"#, nil),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {size: {gt: 10}}}"#, "size: expected > 10, got 3"),
        SpecCase(#"{request: {url: "{{httpbin}}/redirect/2"}, expect: {redirects: {lte: 2}, status: 200}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/redirect/3"}, expect: {redirects: {lte: 2}}}"#, "redirects: expected <= 2, got 3"),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {duration: {lt: "5s"}, timings: {dns: {gte: 0}, connect: {lt: 1000}, tls: 0, firstByte: {lt: "5s"}, transfer: {gte: 0}, total: {lt: "5s"}}}}"#, nil),
        SpecCase(#"{request: {url: "{{tls}}/hello.txt"}, expect: {certificate: {expiresIn: {gt: "14d", lt: "31d"}}, timings: {tls: {gt: 0}}}}"#, nil),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {certificate: {expiresIn: {gt: "14d"}}}}"#, "certificate.expiresIn: expected > 14d, got nothing (no certificate was received: plain http, or a reused connection)"),
    ])
    func query(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "transfer failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message)
    }

    @Test("duration and timing failures read in milliseconds")
    func slowDuration() async throws {
        let result = try #require(await CanaryHarness().runStep(#"{request: {url: "{{httpbin}}/delay/1"}, expect: {duration: {lt: "300ms"}}}"#))
        let failure = try #require(result.record.steps[0].failures.first)
        #expect(failure.assertion == "duration")
        #expect(failure.expected == "< 300ms")
        #expect(failure.message.hasPrefix("duration: expected < 300ms, got "))
        #expect(failure.message.hasSuffix("ms") || failure.message.hasSuffix("s"))
    }

    @Test("timings are recorded per phase and add up")
    func timings() async throws {
        let result = try #require(await CanaryHarness().runStep(#"{request: {url: "{{tls}}/status.json"}}"#))
        let t = result.record.steps[0].timings
        #expect(t.tls > 0)
        #expect(t.connect >= 0 && t.dns >= 0 && t.transfer >= 0)
        #expect(t.firstByte >= t.dns + t.connect + t.tls - 0.01)
        #expect(abs(t.firstByte + t.transfer - t.total) < 0.01)
    }

    @Test("a certificate that fails verification fails the step with the TLS reason")
    func invalidCertificate() async throws {
        let result = try #require(await CanaryHarness().runStep(#"{request: {url: "{{expired}}/hello.txt"}}"#))
        let step = result.record.steps[0]
        #expect(step.outcome == .failed)
        #expect(step.errorKind == "certificate")
        #expect(step.error?.contains("expired") == true, "\(step.error ?? "")")
    }

    @Test("insecure: true reaches a server with an expired certificate and still sees its notAfter")
    func insecureExpired() async throws {
        let result = try #require(await CanaryHarness().runStep(
            #"{request: {url: "{{expired}}/hello.txt", insecure: true}, expect: {status: 200, certificate: {expiresIn: {lt: 0}}}}"#))
        #expect(result.record.passed, "\(result.record.steps[0])")
    }
}
