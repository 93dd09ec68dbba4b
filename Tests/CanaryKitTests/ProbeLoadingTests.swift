import Testing
@testable import CanaryKit

/// tcp, tls and dns steps in canary files: what loads, and load errors that name the place and the fix.
@Suite("Loading tcp, tls and dns steps")
struct ProbeLoadingTests {
    @Test("each kind loads into its case of StepKind, with its checks")
    func kinds() throws {
        let text = #"""
            {name: "mixed", steps: [
              {name: "smtp", tcp: {host: "mail.test", port: 25, send: "QUIT\r\n", readBytes: 10}, expect: {banner: {matches: "^220"}}},
              {name: "port", tcp: {host: "db.test", port: "{{port}}"}},
              {name: "cert", tls: {host: "10.0.0.1", port: 443, serverName: "api.test"}, expect: {certificate: {expiresIn: {gt: "14d"}}}},
              {name: "a", dns: {name: "api.test", type: "aaaa", server: "127.0.0.1:5353"}, expect: {answers: {contains: "::1"}, rcode: "NOERROR"}},
              {name: "web", request: {url: "http://x/"}},
            ]}
            """#
        let (loaded, problems) = loadCanary(text, variables: ["port"])
        let canary = try #require(loaded, "\(problems)")
        guard case .tcp(let smtp) = canary.steps[0].kind, case .tcp(let port) = canary.steps[1].kind,
              case .tls(let tls) = canary.steps[2].kind, case .dns(let dns) = canary.steps[3].kind,
              case .http = canary.steps[4].kind else {
            Issue.record("kinds: \(canary.steps.map(\.kind.key))")
            return
        }
        #expect(smtp.port.source == "25" && smtp.send?.source == "QUIT\r\n" && smtp.readBytes == 10 && smtp.reads)
        // Nothing reads what the second tcp step would read: it only connects.
        #expect(port.port.source == "{{port}}" && !port.reads)
        #expect(tls.serverName?.source == "api.test")
        #expect(dns.type == .AAAA && dns.server?.source == "127.0.0.1:5353")
        #expect(canary.steps[3].assertions.map(\.query) == [.answers, .rcode])
        #expect(canary.steps[2].request == nil && canary.steps[4].request != nil)
    }

    @Test("a step with no kind, or two, or checks of another kind is an error naming the place and the fix", arguments: [
        (#"{name: "s", expect: {status: 200}}"#,
         "1:21: canary 'c', step 's': the step has no 'request' (nor 'tcp', 'tls', 'dns' or 'browser'); add \"request\": {\"url\": \"…\"}, or e.g. \"tcp\": {\"host\": \"…\", \"port\": 25}"),
        (#"{name: "s", request: {url: "http://x/"}, dns: {name: "x", type: "A"}}"#,
         "1:62: canary 'c', step 's': a step does one thing: use only one of 'request', 'tcp', 'tls', 'dns' and 'browser' (found 'request' and 'dns'); make each its own step"),
        (#"{name: "s", dns: {name: "x", type: "A"}, expect: {status: 200}}"#,
         "1:71: canary 'c', step 's': 'status' checks an HTTP ('request') step, not a dns step; a dns step's 'expect' takes answers, rcode, duration, timings"),
        (#"{name: "s", request: {url: "http://x/"}, expect: {banner: "220"}}"#,
         "1:71: canary 'c', step 's': 'banner' checks a tcp step, not an HTTP ('request') step; an HTTP ('request') step's 'expect' takes status, headers, cookies, body, json, duration, timings, size, redirects, httpVersion, certificate, visual, jsonSchema, xpath"),
        (#"{name: "s", tcp: {host: "x", port: 25}, warn: {answers: []}}"#,
         "1:68: canary 'c', step 's': 'answers' checks a dns step, not a tcp step; a tcp step's 'warn' takes banner, duration, timings"),
        (#"{name: "s", tcp: {host: "x"}}"#, "1:38: canary 'c', step 's': the tcp step has no 'port'; add e.g. \"port\": 25"),
        (#"{name: "s", tls: {host: "x", port: 70000}}"#, "1:56: canary 'c', step 's': tls 'port' must be from 1 to 65535, found 70000"),
        (#"{name: "s", tcp: {host: "x", port: "http"}}"#,
         "1:56: canary 'c', step 's': tcp 'port' must be a number from 1 to 65535 (or a placeholder that gives one), found \"http\""),
        (#"{name: "s", dns: {name: "x", type: "PTR"}}"#,
         "1:56: canary 'c', step 's': dns 'type' 'PTR' is not one this step asks for; use one of A, AAAA, CNAME, TXT, MX, NS, SRV"),
        (#"{name: "s", dns: {name: "x"}}"#,
         "1:38: canary 'c', step 's': the dns step has no 'type'; add \"type\": \"A\" (one of A, AAAA, CNAME, TXT, MX, NS, SRV)"),
        (#"{name: "s", dns: {name: "x", type: "A", server: "127.0.0.1:0"}}"#,
         "1:69: canary 'c', step 's': dns 'server' '127.0.0.1:0' is not host:port; write e.g. \"127.0.0.1:53\" or \"[::1]:5353\""),
        (#"{name: "s", dns: {name: "x", type: "A"}, expect: {rcode: "NXDOMIAN"}}"#,
         "1:78: canary 'c', step 's': 'NXDOMIAN' is not an RCODE name (NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH, NOTZONE); did you mean 'NXDOMAIN'?"),
        (#"{name: "s", dns: {name: "x", type: "A"}, capture: {ip: {body: true}}}"#,
         "1:71: canary 'c', step 's': a dns step has nothing to capture: captures read an HTTP response or a tcp step's banner"),
        (#"{name: "s", tcp: {host: "x", port: 1}, capture: {b: {body: true}}}"#,
         "1:74: canary 'c', step 's': unknown key 'body' in capture 'b' (allowed: banner, regex, secret)"),
        (#"{name: "s", tcp: {host: "x", port: 1, readBytes: 0}}"#,
         "1:70: canary 'c', step 's': tcp 'readBytes' must be from 1 to 1048576, found 0"),
        (#"{name: "s", tcp: {host: "x", port: 1}, screenshot: {width: 800}}"#,
         "1:60: canary 'c', step 's': 'screenshot' renders an HTTP response; a tcp step has none to render: remove it"),
    ])
    func problems(step: String, expected: String) {
        let problems = loadProblems(#"{name: "c", steps: [\#(step)]}"#)
        #expect(problems.map(\.description) == ["canaries/checkout.json:" + expected], "\(problems.map(\.description))")
    }

    @Test("a tcp step's capture reads the banner; expect.banner makes the step read")
    func bannerCapture() throws {
        let (loaded, problems) = loadCanary(#"{name: "c", steps: [{tcp: {host: "x", port: 1}, capture: {v: {banner: true, regex: "^220 (\\S+)"}}}]}"#)
        let canary = try #require(loaded, "\(problems)")
        #expect(canary.steps[0].captures == [Capture(name: "v", source: .banner, regex: "^220 (\\S+)")])
        guard case .tcp(let tcp) = canary.steps[0].kind else { Issue.record("not tcp"); return }
        #expect(tcp.reads)
    }
}
