import CanaryKit
import Foundation
import Testing

/// The planted-secret test (issues 3, 22.7–22.8, 23.6, 25.3–25.6): secrets and credentials
/// planted on every path a value can travel, echoed back by real servers in every encoding they
/// use, must appear in no file of the results folder and in no console output, whole or cut.
@Suite("security: planted secrets reach no file and no output")
struct SecretLeakTests {
    static let planted = "Pl4ntedSeCreT0xC0FFEE"
    static let encoded = "EnC0ded/Val+ue= \"q\" \\ é"
    static let colon = "c0lonSecr:et42x"
    static let password = "Pa55wordXyzQ"
    static let envToken = "EnvT0kenValue77"
    static let captured = "Capt0redT0kenQ9"
    static let fromFile = "F1leSecretVal88"

    /// What must not appear, and which path it would have leaked through.
    static var leaks: [(text: String, path: String)] {
        [
            (String(planted.prefix(10)), "a {{secret.X}} value, whole or cut by a length cap"),
            ("EnC0ded", "a secret in any encoding (percent-encoded, JSON-escaped, \\u00e9, in a form)"),
            (Data(encoded.utf8).base64EncodedString().dropLast(4).description, "a secret in base64"),
            ("c0lonSecr", "a secret with a colon in the request line"),
            (Data("alice:\(password)".utf8).base64EncodedString(), "the Basic token derived from user-info"),
            (password, "a user-info password"),
            ("LiteralTok3nValue", "a literal Authorization value from the file, echoed in a body"),
            ("LiteralC00kieVal", "a literal Cookie value from the file, echoed in a body"),
            ("SrvSessionZ77", "a Set-Cookie value quoted by a failure message"),
            (envToken, "an {{env.X}} whose name looks like a credential"),
            (captured, "a value captured with secret: true, sent on by the next step and echoed"),
            (fromFile, "a {{secret.X}} from --secrets-file"),
        ]
    }

    static let canaries: [String: String] = [
        "secrets.json": """
            {name: "secrets", steps: [
              {name: "colon", request: {url: "{{httpbin}}/anything?token={{secret.COLON}}&at=12:00"}, continueOnFailure: true,
               expect: {status: 201}},
              {name: "encoded", request: {method: "POST", url: "{{httpbin}}/anything", query: {api_key: "{{secret.ENCODED}}"},
                json: {k: "{{secret.ENCODED}}"}, headers: {"X-Api-Key": "{{secret.PLANTED}}"}},
               continueOnFailure: true, expect: {status: 201, body: {contains: "nope"}}},
              {name: "form", request: {method: "POST", url: "{{httpbin}}/anything", form: {k: "{{secret.ENCODED}}"}},
               continueOnFailure: true, expect: {body: {contains: "nope"}}},
              {name: "base64", request: {url: "{{hostile}}/reflect", query: {v: "{{secret.ENCODED}}"}}, continueOnFailure: true},
              {name: "reason", request: {url: "{{hostile}}/reflect", query: {v: "{{secret.PLANTED}}", pad: "185"}},
               continueOnFailure: true, expect: {status: 200, body: {contains: "nope"}}, warn: {body: {contains: "nope"}}},
              {name: "long", request: {url: "{{hostile}}/reflect", query: {v: "{{secret.PLANTED}}", pad: "4088"}},
               continueOnFailure: true, expect: {body: {contains: "nope"}}},
              {name: "redirect", request: {url: "{{httpbin}}/redirect-to", query: {url: "/anything?k={{secret.PLANTED}}"}},
               continueOnFailure: true},
            ]}
            """,
        "credentials.json": """
            {name: "credentials", steps: [
              {name: "userinfo", request: {url: "{{userinfo}}/anything"}, continueOnFailure: true, expect: {status: 201}},
              {name: "literal", request: {url: "{{httpbin}}/anything",
                headers: {Authorization: "Bearer LiteralTok3nValue", Cookie: "sid=LiteralC00kieVal"}},
               continueOnFailure: true, expect: {body: {contains: "nope"}}},
              {name: "setcookie", request: {url: "{{httpbin}}/response-headers", query: {"Set-Cookie": "session=SrvSessionZ77; Path=/; HttpOnly"}},
               continueOnFailure: true, expect: {headers: {"Set-Cookie": {contains: "Secure"}}}},
            ]}
            """,
        // httpbin's /base64 answers the token itself: it first appears in a response.
        "captured.json": """
            {name: "captured", steps: [
              {name: "login", request: {url: "{{httpbin}}/base64/\(Data(captured.utf8).base64EncodedString())"},
               capture: {token: {body: true, secret: true}}},
              {name: "use", request: {url: "{{httpbin}}/anything", headers: {"X-Session": "{{token}}"}, query: {s: "{{token}}"}},
               continueOnFailure: true, expect: {status: 201, body: {contains: "nope"}}},
              {name: "file", request: {url: "{{httpbin}}/anything", headers: {"X-From-File": "{{secret.FROMFILE}}"}},
               expect: {body: {contains: "nope"}}},
            ]}
            """,
        // Passes on the first run and fails on the second, so the report's card shows a diff
        // whose changed lines hold the secret: the query and the URL httpbin echoes.
        "flip.json": """
            {name: "flip", steps: [
              {name: "echo", request: {url: "{{httpbin}}/anything", query: {k: "{{secret.PLANTED}}-{{flip}}", run: "{{flip}}"},
                headers: {"X-Api-Key": "{{secret.PLANTED}}"}}, expect: {json: {"$.args.run": "first"}}},
            ]}
            """,
        "env.json": """
            {name: "env", steps: [
              {name: "env", request: {url: "{{httpbin}}/anything", query: {a: "{{env.PLANTED}}", b: "{{env.MY_API_TOKEN}}"}},
               expect: {status: 201}},
            ]}
            """,
    ]

    @Test("every planted value, in every encoding and cut, is absent from the results folder and the console")
    func planted() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in Self.canaries { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let httpbin = URL(string: TestServers.httpbin)
        let userinfo = "http://alice:\(Self.password)@127.0.0.1:\(httpbin?.port ?? 0)"
        let environment = ["PLANTED": Self.planted, "ENCODED": Self.encoded, "COLON": Self.colon, "MY_API_TOKEN": Self.envToken]
        var consoles: [String] = []
        let otlpBucket = "leak-" + UUID().uuidString.prefix(8).lowercased()
        let secretsFile = folder + "/secrets.env"
        FileManager.default.createFile(atPath: secretsFile, contents: Data("# for captured.json\nFROMFILE=\(Self.fromFile)\n".utf8), attributes: [.posixPermissions: 0o600])
        // Every report of the CI flags lands inside the results folder, so the scan below reads them.
        let reports = folder + "/r/reports"
        let ci = ["--junit", reports + "/junit.xml", "--report-format", "tap:" + reports + "/run.tap",
                  "--report-format", "json:" + reports + "/summary.json", "--report-format", "github"]
        for verbose in [false, true] {
            let output = try await CLI.run(
                ["run", folder, "--results", folder + "/r", "--max-snapshot-bytes", "4096", "--var", "userinfo=\(userinfo)",
                 "--alertmanager", Self.alertmanager, "--secrets-file", secretsFile,
                 "--otlp", TestServers.otlp + "/ok/" + otlpBucket, "--var", "flip=\(verbose ? "second" : "first")"]
                    + (verbose ? ["-v"] : ci) + TestServers.varArguments,
                environment: environment.merging(["GITHUB_STEP_SUMMARY": reports + "/summary.md"]) { $1 })
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
            consoles.append(output.stdout + output.stderr)
        }
        #expect(consoles[1].contains("***"))
        #expect(consoles[0].contains("::error file="), "the github annotations were written")
        for report in ["junit.xml", "run.tap", "summary.json", "summary.md"] {
            let text = (try? String(contentsOfFile: reports + "/" + report, encoding: .utf8)) ?? ""
            #expect(text.contains("secrets") && (report == "summary.md" || text.contains("***")), "\(report) holds the failing canary, masked: \(text.prefix(300))")
        }
        // What `canary show` (every format) and `canary diff` print of these runs, with the
        // secrets in the environment as when they ran.
        for canary in ["secrets", "credentials", "env", "captured", "flip"] {
            for format in ["http", "har", "json", "curl"] {
                let shown = try await CLI.run(["show", canary, "--format", format, "--results", folder + "/r"], environment: environment)
                #expect(shown.status == 0, "show \(canary) --format \(format): \(shown.stderr)")
                consoles.append(shown.stdout + shown.stderr)
            }
            let runs = try RunLogFiles.text(folder + "/r").split(separator: "\n")
                .compactMap { try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }.filter { $0.canary == canary }.map(\.runId)
            let diff = try await CLI.run(["diff", canary, runs[0], runs[1], "--results", folder + "/r"], environment: environment)
            #expect(diff.status == 0, "diff \(canary): \(diff.stderr)")
            consoles.append(diff.stdout + diff.stderr)
        }
        // The HTML report, written into the results folder so the scan below reads it: its card
        // for flip shows the diff of its passed and failed runs.
        let report = try await CLI.run(["report", "--results", folder + "/r", "-o", reports + "/report.html"], environment: environment)
        #expect(report.status == 0, "\(report.stderr)")
        consoles.append(report.stdout + report.stderr)
        let page = (try? String(contentsOfFile: reports + "/report.html", encoding: .utf8)) ?? ""
        #expect(page.contains("What changed since the last pass") && page.contains("$.args.k: &quot;***-first&quot; → &quot;***-second&quot;"), "\(page.count) bytes")
        for (index, console) in consoles.enumerated() {
            for leak in Self.leaks where console.contains(leak.text) {
                Issue.record("console (\(index == 0 ? "run" : index == 1 ? "run -v" : "show/diff/report \(index - 2)")) leaks \(leak.path): \(leak.text)")
            }
        }
        var files = 0
        let enumerator = FileManager.default.enumerator(atPath: folder + "/r")
        while let path = enumerator?.nextObject() as? String {
            let text = String(decoding: FileManager.default.contents(atPath: folder + "/r/" + path) ?? Data(), as: UTF8.self)
            files += 1
            for leak in Self.leaks where text.contains(leak.text) {
                Issue.record("\(path) leaks \(leak.path): \(leak.text)")
            }
        }
        #expect(files >= 20)

        // What the OpenTelemetry collector was sent: every span and metric, decoded.
        let exported = try await OTLPReceiver.receivedText(otlpBucket)
        #expect(exported.contains("\"canary secrets\"") && exported.contains("url.full"), "\(exported.prefix(500))")
        for leak in Self.leaks where exported.contains(leak.text) {
            Issue.record("the OTLP export leaks \(leak.path): \(leak.text)")
        }

        // What Alertmanager was given (and shows to everyone who can read its API and UI).
        let alerts = try await AlertmanagerAPI.alerts()
        #expect(alerts.contains("\"canary\":\"secrets\"") && alerts.contains("\"message\":"), "\(alerts)")
        for leak in Self.leaks where alerts.contains(leak.text) {
            Issue.record("the Alertmanager alerts leak \(leak.path): \(leak.text)")
        }
    }

    static var alertmanager: String { AlertmanagerAPI.url }

    @Test("a secret shorter than 4 characters is warned about at start, by name and length, never by value")
    func shortSecret() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "pin", steps: [{request: {url: "{{site}}/hello.txt", headers: {"X-Pin": "{{secret.PIN}}"}}}]}"#
            .write(toFile: folder + "/pin.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder, "--results", folder + "/r"] + TestServers.varArguments, environment: ["PIN": "7"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("warning: secret PIN is 1 character long"), "\(output.stderr)")
        #expect(!output.stderr.contains("7"), "\(output.stderr)")
    }
}
