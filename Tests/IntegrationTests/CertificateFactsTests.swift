@testable import CanaryKit
import Foundation
import Testing

/// `expect.certificate` against nginx: `{{tls}}` sends a leaf from the test CA (TLS 1.2, nginx
/// 1.22's default), `{{chain}}` a leaf (30 days) and the intermediate that signed it (10 days)
/// over TLS 1.3 only.
@Suite("Certificate facts: dates, names, chain, protocol and cipher")
struct CertificateFactsTests {
    @Test("each certificate query reads the handshake", arguments: [
        SpecCase(#"{request: {url: "{{chain}}/hello.txt"}, expect: {certificate: {expiresIn: {gt: "29d", lt: "31d"}, chain: {expiresIn: {gt: "9d", lt: "11d"}}, validFor: {gte: 0, lt: "1d"}, issuer: "CN = canary test intermediate", subject: "CN = localhost", subjectAltNames: {contains: "chain.test"}, protocol: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384"}}}"#, nil),
        SpecCase(#"{request: {url: "{{tls}}/hello.txt"}, expect: {certificate: {issuer: {contains: "Let's Encrypt"}}}}"#, #"certificate.issuer: expected contains "Let's Encrypt", got "CN = canary test CA""#),
        SpecCase(#"{request: {url: "{{tls}}/hello.txt"}, expect: {certificate: {subject: {matches: "api"}}}}"#, #"certificate.subject: expected matches /api/, got "CN = localhost""#),
        SpecCase(#"{request: {url: "{{tls}}/hello.txt"}, expect: {certificate: {subjectAltNames: {contains: "api.example.com"}}}}"#, #"certificate.subjectAltNames: expected contains "api.example.com", got ["localhost", "127.0.0.1"]"#),
        SpecCase(#"{request: {url: "{{chain}}/hello.txt"}, expect: {certificate: {protocol: "TLSv1.2"}}}"#, #"certificate.protocol: expected "TLSv1.2", got "TLSv1.3""#),
        SpecCase(#"{request: {url: "{{chain}}/hello.txt"}, expect: {certificate: {cipher: {notContains: "AES_256"}}}}"#, #"certificate.cipher: expected not contains "AES_256", got "TLS_AES_256_GCM_SHA384""#),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {certificate: {issuer: {exists: true}}}}"#, "certificate.issuer: expected exists, got nothing (no certificate was received: plain http, or a reused connection)"),
    ])
    func query(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "transfer failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message)
    }

    @Test("the record, the HAR, -v and the metrics carry the handshake: notBefore and the chain's expiry as timestamps")
    func recordedEverywhere() async throws {
        let result = try #require(await CanaryHarness().runStep(#"{name: "chain", request: {url: "{{chain}}/hello.txt"}}"#))
        let response = try #require(result.record.steps[0].response)
        let tls = try #require(response.tls)
        #expect(tls.protocol == "TLSv1.3" && tls.issuer == "CN = canary test intermediate")
        #expect(tls.subjectAltNames == ["localhost", "chain.test", "127.0.0.1"])
        let har = String(decoding: HAR.render(result, record: result.record, redactor: Redactor(secrets: []), maxBodyBytes: 100), as: UTF8.self)
        #expect(har.contains("\"_tls\": {\n            \"protocol\": \"TLSv1.3\",\n            \"cipher\": \"TLS_AES_256_GCM_SHA384\",\n            \"subject\": \"CN = localhost\""), "\(har)")
        let verbose = ConsoleReport.verbose(result)
        #expect(verbose.contains("  * tls TLSv1.3 TLS_AES_256_GCM_SHA384\n  * certificate subject CN = localhost; issuer CN = canary test intermediate; names localhost, chain.test, 127.0.0.1"), "\(verbose)")
        let metrics = PrometheusText.render([CanaryMetrics(last: result.record, runsPassed: 1, runsFailed: 0, alarmState: "OK")])
        let seconds = { (text: String?) in text.flatMap { PrometheusLabels.unixTime(iso8601: $0) } ?? 0 }
        let (notBefore, chainExpiry, leafExpiry) = (seconds(tls.notBefore), seconds(tls.chainNotAfter), seconds(response.certificateNotAfter))
        #expect(leafExpiry - chainExpiry > 19 * 86_400)
        #expect(metrics.contains(#"canary_certificate_not_before_timestamp_seconds{canary="t",step="chain"} "# + JSONValue.numberText(notBefore)), "\(metrics)")
        #expect(metrics.contains(#"canary_certificate_chain_expiry_timestamp_seconds{canary="t",step="chain"} "# + JSONValue.numberText(chainExpiry)), "\(metrics)")
    }

    @Test("the chain's earliest expiry fails a check the leaf alone passes; validFor reads in days")
    func chainExpiry() async throws {
        let result = try #require(await CanaryHarness().runStep(
            #"{request: {url: "{{chain}}/hello.txt"}, expect: {certificate: {expiresIn: {gt: "14d"}, chain: {expiresIn: {gt: "14d"}}, validFor: {gt: "7d"}}}}"#))
        let messages = result.record.steps[0].failures.map(\.message)
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.first?.firstMatch(of: /^certificate\.chain\.expiresIn: expected > 14d, got (9\.9\d|10)d$/) != nil, "\(messages)")
        #expect(messages.last?.firstMatch(of: /^certificate\.validFor: expected > 7d, got 0(\.0\d)?d$/) != nil, "\(messages)")
    }
}
