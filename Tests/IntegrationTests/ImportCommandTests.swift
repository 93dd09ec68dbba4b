import Foundation
import Testing

/// Issue 14 item 5: round trips. What `canary import` writes from a curl command, from the HAR
/// of our own run, from a Chromium HAR and from a CloudWatch multi checks configuration runs and
/// passes against the test servers, with the credentials given as secrets and never in the file.
@Suite("canary import")
struct ImportCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/ImportFixtures"

    /// Imports, checks the file never holds `secrets`' values, runs it with them, expects a pass.
    static func roundTrip(_ arguments: [String], folder: String, name: String, secrets: [String: String], extra: [String] = []) async throws -> String {
        let file = folder + "/\(name).json5"
        let made = try await CLI.run(["import", "-o", file] + arguments)
        #expect(made.status == 0 && made.stderr.contains("wrote \(file)"), "\(made.stdout)\(made.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for value in secrets.values { #expect(!text.contains(value), "\(name): a secret's value is in the file:\n\(text)") }
        let run = try await CLI.run(["run", file, "--results", folder + "/r-\(name)", "--screenshots", "none"] + extra, environment: secrets)
        #expect(run.status == 0, "\(name):\n\(text)\n\(run.stdout)\(run.stderr)")
        return text
    }

    @Test("curl: the -- form and the one-string form with backslash-newlines both run and pass against httpbin")
    func curl() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = try await Self.roundTrip(
            ["curl", "--", "curl", "-sS", "-X", "POST", "-H", "Authorization: Bearer tok-5e1f9a", "--json", #"{"item":"canary"}"#, TestServers.httpbin + "/post"],
            folder: folder, name: "post", secrets: ["AUTHORIZATION": "tok-5e1f9a"])
        #expect(text.contains(#""Authorization": "Bearer {{secret.AUTHORIZATION}}""#), "\(text)")
        let line = "curl '\(TestServers.httpbin)/basic-auth/alice/pw-77c1' \\\n  -H $'X-Note: a\\tb' \\\n  -u alice:pw-77c1 --compressed -L"
        _ = try await Self.roundTrip(["curl", line], folder: folder, name: "basic", secrets: ["BASIC_AUTH": Data("alice:pw-77c1".utf8).base64EncodedString()])
    }

    @Test("the run.har of our own run imports and passes (a redirect's hop becomes its own step)")
    func ownHAR() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
        {name: "recorded", steps: [
          {name: "hop", request: {url: "\(TestServers.httpbin)/redirect-to?url=%2Fget"}, expect: {status: 200}},
          {name: "send", request: {method: "POST", url: "\(TestServers.httpbin)/post", headers: {Authorization: "Bearer {{secret.API_TOKEN}}"}, json: {a: [1, 2]}}, expect: {status: 200}},
        ]}
        """.write(toFile: folder + "/recorded.json", atomically: true, encoding: .utf8)
        let first = try await CLI.run(["run", folder + "/recorded.json", "--results", folder + "/r", "--artifacts", "all", "--screenshots", "none"], environment: ["API_TOKEN": "tok-81d2c4"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let har = try #require(FileManager.default.enumerator(atPath: folder + "/r")?.compactMap { $0 as? String }.first { $0.hasSuffix("run.har") })
        let text = try await Self.roundTrip(["har", folder + "/r/" + har], folder: folder, name: "replayed", secrets: ["AUTHORIZATION": "tok-81d2c4"])
        #expect(text.contains("status: 302,  // a redirect, as recorded (not followed)") && text.contains("the recorded value was masked as ***"), "\(text)")
    }

    @Test("a Chromium HAR fixture, pointed at the test httpbin, imports with --filter and passes")
    func chromiumHAR() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = try String(contentsOfFile: Self.fixtures + "/chromium.har", encoding: .utf8).replacingOccurrences(of: "HTTPBIN_ORIGIN", with: TestServers.httpbin)
        try fixture.write(toFile: folder + "/session.har", atomically: true, encoding: .utf8)
        let text = try await Self.roundTrip(["har", folder + "/session.har", "--filter", "^http://127\\.0\\.0\\.1"], folder: folder, name: "chromium", secrets: ["COOKIE": "session=7c1e4b2a9f0d", "X_CSRF_TOKEN": "9b2f6c1d8e7a4b3c9b2f6c1d8e7a4b3c"])
        #expect(text.contains("status: 404") && text.contains("1 entries whose URL --filter did not match"), "\(text)")
    }

    @Test("the CloudWatch multi checks documentation's examples, pointed at the test servers, import and pass")
    func cloudwatch() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tls = try #require(URLComponents(string: TestServers.nginxTLS))
        let fixture = try String(contentsOfFile: Self.fixtures + "/cloudwatch-multi-checks.json", encoding: .utf8)
            .replacingOccurrences(of: "HTTPBIN_ORIGIN", with: TestServers.httpbin)
            .replacingOccurrences(of: "NGINX_TLS_HOST", with: tls.host ?? "").replacingOccurrences(of: "NGINX_TLS_PORT", with: String(tls.port ?? 443))
        try fixture.write(toFile: folder + "/blueprint-config.json", atomically: true, encoding: .utf8)
        let text = try await Self.roundTrip(["cloudwatch", folder + "/blueprint-config.json"], folder: folder, name: "cloudwatch",
                                            secrets: ["MY_API_KEY": "k-31b7e0", "API_CREDENTIALS": "k-92f4aa"], extra: ["--cacert", TestServers.caFile])
        #expect(text.contains("steps.5 'dnsResolution' (DNS): canary checks HTTP(S) only"), "\(text)")
    }

    @Test("what it refuses, with the place and the fix (exit 2, nothing written)", arguments: [
        (["import", "curl", "--", "curl", "--frobnicate", "http://127.0.0.1/"], "import: word 2: curl option '--frobnicate' is not one import knows"),
        (["import", "curl", "curl 'http://127.0.0.1/"], "import curl: the command, line 1, column 6: this single quote is never closed"),
        (["import", "har", "/nonexistent/x.har"], "import: /nonexistent/x.har: no such file"),
        (["import", "har", "x.har", "--filter", "("], "import har: --filter '(' is not a regular expression"),
        (["import", "zip", "x"], "import: no source 'zip'"),
        (["import", "curl", "-x"], "import: unknown option '-x'"),
    ])
    func refused(arguments: [String], message: String) async throws {
        let output = try await CLI.run(arguments)
        #expect(output.status == 2 && output.stderr.contains(message) && output.stdout.isEmpty, "\(output.stderr)")
    }

    @Test("a HAR over 64 MB is refused after reading at most 64 MB; an existing -o file is never overwritten")
    func bounded() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let big = folder + "/big.har"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 70 << 20)
        try handle.close()
        let output = try await CLI.run(["import", "har", big])
        #expect(output.status == 2 && output.stderr.contains("\(big): 70 MB is more than the 64 MB import reads"), "\(output.stderr)")
        try "keep".write(toFile: folder + "/taken.json5", atomically: true, encoding: .utf8)
        let again = try await CLI.run(["import", "-o", folder + "/taken.json5", "curl", "--", "curl", "http://127.0.0.1/"])
        #expect(again.status == 2 && again.stderr.contains("exists already"), "\(again.stderr)")
        #expect(try String(contentsOfFile: folder + "/taken.json5", encoding: .utf8) == "keep")
    }
}
