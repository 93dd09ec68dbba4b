import CanaryKit
import Foundation
import Testing

/// tcp, tls and dns steps against real servers: socat's banner, nginx's TLS ports, dnsmasq's
/// records and scripts/hostile-dns.py, each passing and failing with its exact message.
@Suite("tcp, tls and dns steps against real servers")
struct ProbeStepTests {
    static var banner: String { #"host: "127.0.0.1", port: \#(TestServers.bannerPort)"# }
    static var dns: String { TestServers.dns }
    static var tlsPort: String { TestServers.tlsPort }
    static func port(_ url: String) -> String { String(url.split(separator: ":").last ?? "") }

    @Test("each check reads the probe's outcome; a failing one says expected and got", arguments: [
        SpecCase(#"{tcp: {\#(banner)}, expect: {banner: "220 canary.test ESMTP ready\r\n", timings: {connect: {lt: "1s"}, firstByte: {gt: 0}}}}"#, nil),
        SpecCase(#"{tcp: {\#(banner)}, expect: {banner: {matches: "^554 "}}}"#, #"banner: expected matches /^554 /, got "220 canary.test ESMTP ready\r\n""#),
        SpecCase(#"{tcp: {\#(banner), readBytes: 3}, expect: {banner: "220"}}"#, nil),
        SpecCase(#"{tcp: {\#(banner), send: "HELO me\r\nQUIT\r\n", readBytes: 1000}, expect: {banner: {contains: "250 you said HELO me\r\n221 bye"}}}"#, nil),
        SpecCase(#"{tcp: {\#(banner)}, expect: {duration: {lt: "5s"}}}"#, nil),
        SpecCase(#"{tls: {host: "localhost", port: \#(tlsPort)}, expect: {certificate: {expiresIn: {gt: "14d", lt: "31d"}}, timings: {tls: {gt: 0}}}}"#, nil),
        SpecCase(#"{tls: {host: "127.0.0.1", port: \#(tlsPort), serverName: "localhost"}, expect: {certificate: {expiresIn: {gt: "14d"}}}}"#, nil),
        SpecCase(#"{tls: {host: "localhost", port: \#(tlsPort)}, expect: {certificate: {issuer: {contains: "canary test CA"}, subjectAltNames: {contains: "localhost"}, protocol: {matches: "^TLSv1\\.[23]$"}, validFor: {lt: "1d"}}}}"#, nil),
        SpecCase(#"{tls: {host: "localhost", port: \#(tlsPort)}, expect: {certificate: {subject: "CN = elsewhere"}}}"#, #"certificate.subject: expected "CN = elsewhere", got "CN = localhost""#),
        SpecCase(#"{dns: {name: "www.canary.test", type: "A", server: "\#(dns)"}, expect: {answers: ["192.0.2.10"], rcode: "NOERROR", timings: {dns: {gt: 0}}}}"#, nil),
        SpecCase(#"{dns: {name: "www.canary.test", type: "AAAA", server: "\#(dns)"}, expect: {answers: {contains: "2001:db8::1"}}}"#, #"answers: expected contains "2001:db8::1", got ["2001:db8::10"]"#),
        SpecCase(#"{dns: {name: "canary.test", type: "MX", server: "\#(dns)"}, expect: {answers: ["10 mail.canary.test"]}}"#, nil),
        SpecCase(#"{dns: {name: "canary.test", type: "TXT", server: "\#(dns)"}, expect: {answers: ["v=spf1 -all"]}}"#, nil),
        SpecCase(#"{dns: {name: "_sip._tcp.canary.test", type: "SRV", server: "\#(dns)"}, expect: {answers: ["0 5 5060 sip.canary.test"]}}"#, nil),
        SpecCase(#"{dns: {name: "alias.canary.test", type: "CNAME", server: "\#(dns)"}, expect: {answers: ["www.canary.test"]}}"#, nil),
        SpecCase(#"{dns: {name: "gone.canary.test", type: "A", server: "\#(dns)"}, expect: {rcode: "NOERROR"}}"#, #"rcode: expected "NOERROR", got "NXDOMAIN""#),
        // 3 x 250 bytes do not fit a 512-byte UDP reply: truncated there, asked again over TCP.
        SpecCase(#"{dns: {name: "big.canary.test", type: "TXT", server: "\#(dns)"}, expect: {answers: ["\#(String(repeating: "x", count: 750))"]}}"#, nil),
    ])
    func checks(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "the probe failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message, "\(step.failures)")
    }

    @Test("a probe that gets no answer fails with the error kind and message of what happened", arguments: [
        (#"{tcp: {host: "127.0.0.1", port: \#(TestServers.closedPort)}}"#, "connectionRefused", "connection to 127.0.0.1:\(TestServers.closedPort) refused"),
        (#"{tcp: {host: "no-such-host.invalid", port: 25}}"#, "dns", "could not resolve host 'no-such-host.invalid': Name or service not known"),
        (#"{tcp: {\#(banner), readBytes: 100, timeout: "300ms"}}"#, "timeout", "timed out after 300ms while reading from 127.0.0.1:\(TestServers.bannerPort) (29 of 100 bytes read)"),
        (#"{tls: {host: "localhost", port: \#(port(TestServers.nginxTLSExpired))}}"#, "certificate", "SSL certificate problem: certificate has expired"),
        (#"{tls: {host: "localhost", port: \#(port(TestServers.nginxTLSWrongHost))}}"#, "certificate", "SSL: no alternative certificate subject name matches target host name 'localhost'"),
        (#"{tls: {host: "127.0.0.1", port: \#(TestServers.bannerPort), timeout: "2s"}}"#, "tls", nil),
        (#"{dns: {name: "garbage.test", type: "A", server: "\#(TestServers.hostileDNS)"}}"#, "malformedResponse",
         "malformed DNS reply from \(TestServers.hostileDNS): the reply is 8 bytes, shorter than the 12-byte DNS header"),
        (#"{dns: {name: "short.test", type: "A", server: "\#(TestServers.hostileDNS)"}}"#, "malformedResponse",
         "malformed DNS reply from \(TestServers.hostileDNS): the reply ends at byte 28 inside a name that starts at byte 28 (truncated packet)"),
        (#"{dns: {name: "loop.test", type: "A", server: "\#(TestServers.hostileDNS)"}}"#, "malformedResponse",
         "malformed DNS reply from \(TestServers.hostileDNS): the compression pointer at byte 27 points to byte 27, back into the name it is part of (a compression loop)"),
        (#"{dns: {name: "wrongid.test", type: "A", server: "\#(TestServers.hostileDNS)"}}"#, "malformedResponse", nil),
        (#"{dns: {name: "query.test", type: "A", server: "\#(TestServers.hostileDNS)"}}"#, "malformedResponse",
         "malformed DNS reply from \(TestServers.hostileDNS): the message is a query, not a reply (its QR bit is 0)"),
        (#"{dns: {name: "silent.test", type: "A", server: "\#(TestServers.hostileDNS)", timeout: "200ms"}}"#, "timeout",
         "timed out after 200ms while waiting for the reply of \(TestServers.hostileDNS)"),
    ] as [(String, String, String?)])
    func errors(step: String, kind: String, message: String?) async {
        guard let result = await CanaryHarness().runStep(step) else { return }
        let record = result.record.steps[0]
        #expect(record.outcome == .failed && record.errorKind == kind, "\(record.errorKind ?? "") \(record.error ?? "")")
        if let message { #expect(record.error == message) }
    }

    @Test("control characters in a hostile server's TXT answer reach the record, the message and the console escaped")
    func txtEscaped() async throws {
        let step = #"{dns: {name: "control.test", type: "TXT", server: "\#(TestServers.hostileDNS)"}, expect: {answers: ["calm"]}}"#
        let result = try #require(await CanaryHarness().runStep(step))
        // As in header values shown: `\u001B`, `\r`, `\n`; the record holds this text.
        let escaped = #"ok\u001B[31mred\r\nFAKE 200\u0000\u009B2J"#
        #expect(result.record.steps[0].probe?.answers == [escaped])
        // The message quotes it as JSON, its backslashes doubled.
        let quoted = escaped.replacingOccurrences(of: "\\", with: "\\\\")
        #expect(result.record.steps[0].failures.map(\.message) == [#"answers: expected ["calm"], got ["\#(quoted)"]"#])
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "txt", steps: [\#(step)]}"#.write(toFile: folder + "/txt.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder + "/txt.json", "--results", folder + "/r", "-v"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(quoted), "\(run.stdout)")
        let runLog = try RunLogFiles.text(folder + "/r")
        for text in [run.stdout + run.stderr, runLog] {
            #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\r" || $0 == "\u{9B}" || $0 == "\u{0}" }, "\(text.debugDescription)")
        }
    }

    @Test("a 1 s probe timeout against a server that never answers ends the step in about 1 s")
    func timeoutBound() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let result = try #require(await CanaryHarness().runStep(#"{dns: {name: "silent.test", type: "A", server: "\#(TestServers.hostileDNS)", timeout: "1s"}}"#))
        let elapsed = clock.now - started
        #expect(result.record.steps[0].errorKind == "timeout")
        #expect(elapsed >= .milliseconds(950) && elapsed < .milliseconds(2500), "\(elapsed)")
    }

    @Test("the canary's timeout cancels a probe waiting on a silent server, as it does an HTTP step")
    func canaryTimeout() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let result = try #require(await CanaryHarness().run(
            #"{name: "t", timeout: "300ms", steps: [{dns: {name: "silent.test", type: "A", server: "\#(TestServers.hostileDNS)", timeout: "10s"}}]}"#))
        #expect(clock.now - started < .seconds(2))
        #expect(result.record.error == "canary timeout of 300ms exceeded")
        #expect(result.record.steps[0].errorKind == "timeout")
    }

    @Test("a banner capture feeds the next step; tcp, tls and dns steps record their target and probe")
    func captureAndRecord() async throws {
        let result = try #require(await CanaryHarness().run(#"""
            {name: "t", steps: [
              {name: "greet", tcp: {\#(Self.banner)}, capture: {host: {banner: true, regex: "^220 (\\S+)"}}},
              {name: "helo", tcp: {\#(Self.banner), send: "HELO {{host}}\r\nQUIT\r\n", readBytes: 200}, expect: {banner: {contains: "you said HELO canary.test"}}},
              {name: "cert", tls: {host: "localhost", port: \#(Self.tlsPort)}},
              {name: "a", dns: {name: "www.canary.test", type: "A", server: "\#(Self.dns)"}},
            ]}
            """#))
        #expect(result.record.passed, "\(result.record.steps.map { ($0.name, $0.error, $0.failures.map(\.message)) })")
        let probes = result.record.steps.map(\.probe)
        #expect(probes.map { $0?.kind } == ["tcp", "tcp", "tls", "dns"])
        #expect(probes[0]?.target == "127.0.0.1:\(TestServers.bannerPort)" && probes[0]?.bytesRead == 29)
        #expect(probes[3]?.target == "www.canary.test A @\(Self.dns)" && probes[3]?.rcode == "NOERROR" && probes[3]?.answers == ["192.0.2.10"])
        #expect(result.record.steps[2].response?.certificateNotAfter != nil)
        #expect(result.probes.map(\.kind) == ["tcp", "tcp", "tls", "dns"])
    }
}
