import CanaryKit
import Foundation
import Testing

/// `proxy` and `--proxy` against tinyproxy (a forward proxy asking for proxyuser:proxypass) and
/// microsocks (SOCKS5, sockuser:sockpass), started by scripts/test-servers.sh. microsocks runs
/// with an /etc/hosts of its own naming socks-only.test, which nothing else here resolves.
@Suite("proxy: forward and SOCKS5 proxies, their credentials, --proxy and the environment")
struct ProxyTests {
    static var httpProxy: String { TestServers.value("CANARY_TEST_HTTP_PROXY") }
    static var httpProxyAddress: String { String(httpProxy.dropFirst("http://".count)) }
    static var socks: String { TestServers.value("CANARY_TEST_SOCKS_PROXY") }
    static var socksOnlyHost: String { TestServers.value("CANARY_TEST_SOCKS_ONLY_HOST") }
    static var sitePort: String { String(TestServers.nginx.split(separator: ":").last ?? "") }
    /// nginx's hello.txt by a name only the SOCKS proxy resolves.
    static var socksOnlyURL: String { "http://\(socksOnlyHost):\(sitePort)/hello.txt" }

    static func harness() -> CanaryHarness {
        var harness = CanaryHarness()
        harness.environment["PROXY_USER"] = "proxyuser:proxypass"
        harness.environment["SOCKS_PASSWORD"] = "sockpass"
        return harness
    }

    @Test("through tinyproxy with credentials from secrets, for http:// and https:// (CONNECT); the record shows the proxy without them")
    func forwardProxy() async throws {
        let proxy = "http://{{secret.PROXY_USER}}@\(Self.httpProxyAddress)"
        for url in ["{{site}}/hello.txt", "{{tls}}/hello.txt"] {
            let result = try #require(await Self.harness().runStep(#"{request: {url: "\#(url)", proxy: "\#(proxy)"}, expect: {status: 200, body: "ok\n"}}"#))
            let step = result.record.steps[0]
            #expect(result.record.passed, "\(url): \(step.error ?? "") \(step.failures.map(\.message))")
            #expect(step.request?.proxy == "http://***@\(Self.httpProxyAddress)")
            #expect(step.response?.primaryIP == "127.0.0.1")
        }
    }

    @Test("socks5h: the proxy resolves the name, which canary itself can't")
    func socksResolvesAtTheProxy() async throws {
        #expect(!Self.socksOnlyHost.isEmpty, "microsocks could not get its own /etc/hosts (unshare -m not allowed): nothing proves where the name was resolved")
        let proxy = "socks5h://sockuser:{{secret.SOCKS_PASSWORD}}@\(Self.socks)"
        let through = try #require(await Self.harness().runStep(#"{request: {url: "\#(Self.socksOnlyURL)", proxy: "\#(proxy)"}, expect: {status: 200, body: "ok\n"}}"#))
        #expect(through.record.passed, "\(through.record.steps[0].error ?? "") \(through.record.steps[0].failures.map(\.message))")
        #expect(through.record.steps[0].request?.proxy == "socks5h://***@\(Self.socks)")
        let direct = try #require(await Self.harness().runStep(#"{request: {url: "\#(Self.socksOnlyURL)"}}"#))
        #expect(direct.record.steps[0].errorKind == "dns")
        #expect(direct.record.steps[0].error == "Could not resolve host: \(Self.socksOnlyHost)")
    }

    @Test("a proxy that is down, wants credentials or rejects them fails as the proxy, never as the target")
    func proxyFailures() async throws {
        let rows: [(proxy: String, url: String, message: String)] = [
            ("http://127.0.0.1:1", "{{site}}/hello.txt",
             "proxy http://127.0.0.1:1: it could not be reached (libcurl: Failed to connect to 127.0.0.1 port 1 after "),
            (Self.httpProxy, "{{site}}/hello.txt",
             "proxy \(Self.httpProxy): it wants credentials (407): check the user and password in the proxy URL"),
            (Self.httpProxy, "{{tls}}/hello.txt",
             "proxy \(Self.httpProxy): it wants credentials (407): check the user and password in the proxy URL (libcurl: CONNECT tunnel failed, response 407)"),
            ("socks5h://sockuser:Wr0ngSocksPw@\(Self.socks)", Self.socksOnlyURL,
             "proxy socks5h://***@\(Self.socks): it refused the request or could not reach the server (libcurl: User was rejected by the SOCKS5 server (1 2).)"),
            ("http://no-such-proxy.invalid:3128", "{{site}}/hello.txt",
             "proxy http://no-such-proxy.invalid:3128: its name did not resolve (libcurl: Could not resolve proxy: no-such-proxy.invalid)"),
        ]
        for row in rows {
            let result = try #require(await Self.harness().runStep(#"{request: {url: "\#(row.url)", proxy: "\#(row.proxy)"}}"#))
            let step = result.record.steps[0]
            #expect(step.errorKind == "proxy", "\(row.proxy): \(step.errorKind ?? "nil") \(step.error ?? "")")
            #expect((step.error ?? "").hasPrefix(row.message), "\(step.error ?? "nil")")
            #expect(!(step.error ?? "").contains("Wr0ngSocksPw"))
        }
    }

    @Test("the environment's proxy only with proxy: \"env\"; --proxy for files that name none, and a file's own proxy wins")
    func environmentAndFlag() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func run(_ name: String, _ request: String, _ flags: [String] = [], environment: [String: String] = [:]) async throws -> CLI.Output {
            try #"{name: "\#(name)", steps: [{request: \#(request), expect: {body: "ok\n"}}]}"#
                .write(toFile: folder + "/\(name).json", atomically: true, encoding: .utf8)
            return try await CLI.run(["run", folder + "/\(name).json", "--results", folder + "/r", "-v"] + flags, environment: environment)
        }
        let deadProxy = ["http_proxy": "http://127.0.0.1:1", "HTTPS_PROXY": "http://127.0.0.1:1", "ALL_PROXY": "http://127.0.0.1:1"]
        let site = TestServers.nginx + "/hello.txt"
        let ignored = try await run("ignored", #"{url: "\#(site)"}"#, environment: deadProxy)
        #expect(ignored.status == 0, "the environment's proxy was used without proxy: \"env\": \(ignored.stdout)")
        let env = try await run("env", #"{url: "\#(site)", proxy: "env"}"#, environment: deadProxy)
        #expect(env.status == 1 && env.stdout.contains("  * proxy env") && env.stdout.contains("Failed to connect to 127.0.0.1 port 1"), "\(env.stdout)")
        let noProxy = try await run("noproxy", #"{url: "\#(site)", proxy: "env"}"#, environment: deadProxy.merging(["no_proxy": "127.0.0.1"]) { $1 })
        #expect(noProxy.status == 0, "NO_PROXY: \(noProxy.stdout)")

        let flag = ["--proxy", "socks5h://sockuser:sockpass@\(Self.socks)"]
        let viaFlag = try await run("flag", #"{url: "\#(Self.socksOnlyURL)"}"#, flag)
        #expect(viaFlag.status == 0 && viaFlag.stdout.contains("  * proxy socks5h://***@\(Self.socks)"), "\(viaFlag.stdout)")
        let fileWins = try await run("own", #"{url: "\#(Self.socksOnlyURL)", proxy: "none"}"#, flag)
        #expect(fileWins.status == 1 && fileWins.stdout.contains("Could not resolve host: \(Self.socksOnlyHost)"), "\(fileWins.stdout)")
        let bad = try await CLI.run(["run", folder + "/flag.json", "--proxy", "ftp://user:pw@x"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("run: --proxy takes a proxy URL (http://host:port, https://…, socks5h://host:port, socks5://…), env or none; got something else (not repeated here: it may hold credentials)"), "\(bad.stderr)")
    }

    @Test("proxy credentials reach no record, HAR or console line")
    func credentialsNeverWritten() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"""
            {name: "proxied", steps: [
              {name: "literal", request: {url: "{{site}}/hello.txt", proxy: "http://proxyuser:proxypass@\#(Self.httpProxyAddress)"}},
              {name: "secret", request: {url: "{{tls}}/hello.txt", proxy: "http://{{secret.PROXY_USER}}@\#(Self.httpProxyAddress)"}},
              {name: "socks", request: {url: "\#(Self.socksOnlyURL)", proxy: "socks5h://sockuser:sockpass@\#(Self.socks)"}},
            ]}
            """#.write(toFile: folder + "/proxied.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder + "/proxied.json", "--results", folder + "/r", "-v", "--artifacts", "all", "--cacert", TestServers.caFile]
                                    + TestServers.varArguments("site", "tls"), environment: ["PROXY_USER": "proxyuser:proxypass"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let har = try await CLI.run(["show", "proxied", "--format", "har", "--results", folder + "/r"])
        #expect(har.stdout.contains(#""_proxy": "http://***@\#(Self.httpProxyAddress)""#), "\(har.stdout.prefix(2000))")
        var outputs = [run.stdout + run.stderr, har.stdout]
        let enumerator = FileManager.default.enumerator(atPath: folder + "/r")
        while let path = enumerator?.nextObject() as? String {
            outputs.append(String(decoding: FileManager.default.contents(atPath: folder + "/r/" + path) ?? Data(), as: UTF8.self))
        }
        let basic = Data("proxyuser:proxypass".utf8).base64EncodedString()
        for (index, text) in outputs.enumerated() {
            for secret in ["proxypass", "sockpass", basic] where text.contains(secret) {
                Issue.record("output \(index) holds \(secret)")
            }
        }
    }
}
