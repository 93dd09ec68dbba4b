import CanaryKit
import CurlEngine
import Foundation
import Testing

/// The real servers started by scripts/test-servers.sh, read from the environment (or from
/// .test-servers/env when the tests are run without scripts/test).
enum TestServers {
    static let values: [String: String] = {
        var values = ProcessInfo.processInfo.environment
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let file = directory.appendingPathComponent(".test-servers/env")
            if let text = try? String(contentsOf: file, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2, values[parts[0]] == nil { values[parts[0]] = parts[1] }
                }
                break
            }
            directory.deleteLastPathComponent()
        }
        return values
    }()

    static func value(_ name: String) -> String {
        guard let value = values[name] else {
            Issue.record("\(name) is not set: run the tests with scripts/test, which starts the servers")
            return "http://127.0.0.1:9"
        }
        return value
    }

    static var httpbin: String { value("CANARY_TEST_HTTPBIN") }
    static var nginx: String { value("CANARY_TEST_NGINX") }
    static var nginxTLS: String { value("CANARY_TEST_NGINX_TLS") }
    static var nginxTLSExpired: String { value("CANARY_TEST_NGINX_TLS_EXPIRED") }
    /// nginx over https with a valid certificate for another name (wrong.example), as `https://localhost:PORT`.
    static var nginxTLSWrongHost: String { value("CANARY_TEST_NGINX_TLS_WRONG_HOST") }
    /// scripts/hostile-server.py: /hang, /reset, /drip, /garbage, /binary, /loop, /headers, ...
    static var hostile: String { value("CANARY_TEST_HOSTILE") }
    static var caFile: String { value("CANARY_TEST_CA") }
    /// nginx over TLSv1.3 only, sending a leaf (30 days) and the intermediate CA (10 days) that signed it.
    static var nginxTLSChain: String { value("CANARY_TEST_NGINX_TLS_CHAIN") }
    /// nginx speaking HTTP/2 without TLS (h2c, prior knowledge only), as `http://127.0.0.1:PORT`.
    static var nginxH2C: String { value("CANARY_TEST_NGINX_H2C") }
    static var closedPort: String { value("CANARY_TEST_CLOSED_PORT") }
    /// Base URL of a Prometheus Pushgateway, like `http://127.0.0.1:9091`.
    static var pushgateway: String { value("CANARY_TEST_PUSHGATEWAY") }
    /// scripts/otlp-receiver.py: POST /<ok|hang|flaky>/<bucket>/v1/…, GET /received/<bucket>.
    static var otlp: String { value("CANARY_TEST_OTLP") }
    /// Path of `promtool`, for `promtool check metrics`.
    static var promtool: String { value("CANARY_TEST_PROMTOOL") }

    /// socat greeting with `220 canary.test ESMTP ready`, then `250 you said LINE` per line until QUIT.
    static var bannerPort: String { value("CANARY_TEST_BANNER_PORT") }
    /// dnsmasq serving canary.test's fixed records, as `127.0.0.1:PORT`.
    static var dns: String { value("CANARY_TEST_DNS") }
    /// scripts/hostile-dns.py: garbage, truncated and looping replies by first label, as `127.0.0.1:PORT`.
    static var hostileDNS: String { value("CANARY_TEST_HOSTILE_DNS") }
    /// nginx asking for a client certificate from the test CA (400 without one), as `https://localhost:PORT`.
    static var clientCertServer: String { value("CANARY_TEST_NGINX_TLS_CLIENT_CERT") }
    /// The test CA's folder: client.pem, client.key, client-encrypted.key (password `clientKeyPassword`).
    static var certs: String { value("CANARY_TEST_CERTS") }
    static let clientKeyPassword = "client-secret"
    /// What the example canaries read from the environment: their secrets.
    static var exampleEnvironment: [String: String] {
        let socks = value("CANARY_TEST_SOCKS_PROXY_USER").split(separator: ":", maxSplits: 1).map(String.init)
        return ["API_TOKEN": "example-token", "CANARY_USER": "demo", "CLIENT_KEY_PASSWORD": clientKeyPassword,
                "SOCKS_USER": socks.first ?? "", "SOCKS_PASSWORD": socks.last ?? ""]
    }
    /// The port of `nginxTLS`.
    static var tlsPort: String { String(nginxTLS.split(separator: ":").last ?? "") }

    /// Variables every test canary may use.
    static var variables: [String: String] {
        ["httpbin": httpbin, "site": nginx, "tls": nginxTLS, "expired": nginxTLSExpired,
         "wronghost": nginxTLSWrongHost, "chain": nginxTLSChain, "h2c": nginxH2C, "hostile": hostile, "closed": "http://127.0.0.1:\(closedPort)",
         "bannerPort": bannerPort, "dns": dns, "tlsPort": tlsPort, "clientCert": clientCertServer, "certs": certs,
         "socks": value("CANARY_TEST_SOCKS_PROXY"), "socket": value("CANARY_TEST_NGINX_SOCKET")]
    }

    /// `--var NAME=VALUE` for each of `variables`, for runs of the binary; most canaries use a
    /// few of them, hence `--allow-unused-vars`.
    static var varArguments: [String] {
        variables.sorted { $0.key < $1.key }.flatMap { ["--var", "\($0.key)=\($0.value)"] } + ["--allow-unused-vars"]
    }

    /// `--var NAME=VALUE` for just the named variables: for tests that read stderr whole (an
    /// unused `--var` is a warning there under `--allow-unused-vars`).
    static func varArguments(_ names: String...) -> [String] {
        names.flatMap { ["--var", "\($0)=\(variables[$0] ?? "")"] }
    }

    /// One engine for the whole test process, as in the CLI.
    static let engine: CurlEngine = {
        do {
            return try CurlEngine()
        } catch {
            fatalError("libcurl did not start: \(error)")
        }
    }()
}

/// Loads a canary from source text and runs it in process against the real servers.
struct CanaryHarness {
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// Problems fail the test; returns nil then.
    func load(_ source: String, file: String = "test.json") -> Canary? {
        let (canary, problems) = CanaryLoader.load(
            source: Array(source.utf8), file: file, definedVariables: Set(TestServers.variables.keys))
        for problem in problems { Issue.record("unexpected load problem: \(problem)") }
        return canary
    }

    func run(_ source: String) async -> RunResult? {
        guard let canary = load(source) else { return nil }
        let settings = RunSettings(variables: TestServers.variables, environment: environment, caFile: TestServers.caFile)
        return await Runner(engine: TestServers.engine, settings: settings).run(canary)
    }

    /// A one-step canary around `step` (the JSON5 text of one step object).
    func runStep(_ step: String, extra: String = "") async -> RunResult? {
        await run("{name: \"t\", \(extra) steps: [\(step)]}")
    }
}

/// Runs the built `canary` binary (scripts/test sets CANARY_BIN) and captures what it prints.
struct CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CANARY_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/canary").path
    }

    /// Starts `canary schedule ARGUMENTS --results FOLDER/r` with the test variables; its log
    /// (stdout, and stderr too unless `stderrApart`) goes to `FOLDER/log`.
    static func startSchedule(_ arguments: [String], folder: String, stderrApart: Bool = false) throws -> (Process, Task<Void, Never>) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["schedule"] + arguments + ["--results", folder + "/r"] + TestServers.varArguments
        _ = FileManager.default.createFile(atPath: folder + "/log", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/log"))
        if !stderrApart { process.standardError = process.standardOutput }
        return (process, try launch(process))
    }

    /// Output goes to temp files rather than pipes: no reader thread, no full-pipe deadlock.
    /// `executable` runs another program instead (a wrapper such as setpriv that then runs `binary`).
    static func run(
        _ arguments: [String], environment extra: [String: String] = [:], currentDirectory: String? = nil, executable: String? = nil
    ) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // The console's symbols are ASCII outside a UTF-8 locale; the tests read them as UTF-8
        // unless a test sets the locale itself.
        if (environment["LC_ALL"] ?? "").isEmpty, (environment["LC_CTYPE"] ?? "").isEmpty, (environment["LANG"] ?? "").isEmpty {
            environment["LANG"] = "C.UTF-8"
        }
        process.environment = environment.merging(extra) { _, new in new }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("canary-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try await launch(process).value
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}

/// Starts `process`; the task ends when it exits. Waiting this way never blocks a Swift
/// concurrency thread: with 2 cores there are only 2, and a blocked one delays every timing test.
func launch(_ process: Process) throws -> Task<Void, Never> {
    let (exited, continuation) = AsyncStream<Void>.makeStream()
    process.terminationHandler = { _ in continuation.finish() }
    try process.run()
    return Task { for await _ in exited {} }
}

/// A fresh temporary folder, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("canary-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}
