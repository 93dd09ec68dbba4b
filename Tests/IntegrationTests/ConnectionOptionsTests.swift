import CanaryKit
import Foundation
import Testing

/// `httpVersion`, `resolve` and `ipVersion` against nginx: `{{tls}}` offers HTTP/2 by ALPN,
/// `{{site}}` speaks HTTP/1.1 only, `{{h2c}}` HTTP/2 without TLS.
@Suite("Connection keys: HTTP version, pinned addresses, IP family")
struct ConnectionOptionsTests {
    static func port(of url: String) -> String { String(url.split(separator: ":").last ?? "") }

    static var rows: [SpecCase] {
        let site = port(of: TestServers.nginx)
        let chain = port(of: TestServers.nginxTLSChain)
        return [
            SpecCase(#"{request: {url: "{{tls}}/hello.txt"}, expect: {httpVersion: "2"}}"#, nil),
            SpecCase(#"{request: {url: "{{tls}}/hello.txt", httpVersion: "1.1"}, expect: {httpVersion: "1.1"}}"#, nil),
            SpecCase(#"{request: {url: "{{tls}}/hello.txt"}, expect: {httpVersion: "1.1"}}"#, #"httpVersion: expected "1.1", got "2""#),
            SpecCase(#"{request: {url: "{{site}}/hello.txt", httpVersion: "2"}, expect: {httpVersion: "2"}}"#, #"httpVersion: expected "2", got "1.1""#),
            SpecCase(#"{request: {url: "{{h2c}}/hello.txt", httpVersion: "2-prior-knowledge"}, expect: {httpVersion: "2", body: "ok\n"}}"#, nil),
            SpecCase(#"{request: {url: "http://api.example.test:\#(site)/hello.txt", resolve: {"api.example.test:\#(site)": "127.0.0.1"}}, expect: {body: "ok\n"}}"#, nil),
            SpecCase(#"{request: {url: "https://chain.test:\#(chain)/hello.txt", resolve: {"chain.test:\#(chain)": "127.0.0.1"}}, expect: {certificate: {subjectAltNames: {contains: "chain.test"}}}}"#, nil),
            SpecCase(#"{request: {url: "http://localhost:\#(site)/hello.txt", ipVersion: 4}, expect: {body: "ok\n"}}"#, nil),
        ]
    }

    @Test("each key changes how the request goes, and expect.httpVersion reads the answer", arguments: rows)
    func key(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "transfer failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message)
    }

    @Test("defaults carry the keys; a step's own value wins; the record shows the version and the address used")
    func defaultsAndRecords() async throws {
        let site = Self.port(of: TestServers.nginx)
        let canary = #"{name: "t", defaults: {httpVersion: "1.1", resolve: {"pinned.test:\#(site)": "127.0.0.1"}}, steps: ["#
            + #"{name: "one", request: {url: "{{tls}}/hello.txt"}, expect: {httpVersion: "1.1"}},"#
            + #"{name: "two", request: {url: "{{tls}}/hello.txt", httpVersion: "2"}, expect: {httpVersion: "2"}},"#
            + #"{name: "pinned", request: {url: "http://pinned.test:\#(site)/hello.txt"}}]}"#
        let result = try #require(await CanaryHarness().run(canary))
        #expect(result.record.passed, "\(result.record.steps.map { $0.failures.map(\.message) + [$0.error ?? ""] })")
        #expect(result.record.steps.map { $0.response?.httpVersion } == ["HTTP/1.1", "HTTP/2", "HTTP/1.1"])
        #expect(result.record.steps[2].response?.primaryIP == "127.0.0.1")
    }

    @Test("failing: a name no resolver knows, IPv6 where only IPv4 listens, HTTP/1.1 to an h2c-only port")
    func failures() async throws {
        let cases: [(String, String)] = [
            (#"{request: {url: "http://unpinned.example.test:1/hello.txt"}}"#, "dns"),
            // localhost is ::1 over IPv6, where nginx does not listen (it does on 127.0.0.1: see `rows`).
            (#"{request: {url: "http://localhost:\#(Self.port(of: TestServers.nginx))/hello.txt", ipVersion: 6}}"#, "connectionRefused"),
            (#"{request: {url: "{{h2c}}/hello.txt"}}"#, "malformedResponse"),
        ]
        for (step, kind) in cases {
            let result = try #require(await CanaryHarness().runStep(step))
            let record = result.record.steps[0]
            #expect(record.outcome == .failed)
            #expect(record.errorKind == kind, "\(step): \(record.errorKind ?? "nil"): \(record.error ?? "")")
        }
    }
}
