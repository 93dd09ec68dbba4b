import Foundation
import Testing
@testable import CanaryKit

/// Issue 14 item 5: `canary import har` and `canary import cloudwatch` write canary files that
/// load; bad input is an error with its place; what has no equivalent is named.
@Suite("Importing HAR files and CloudWatch multi checks")
struct ImportFilesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/ImportFixtures"

    static func fixture(_ name: String) throws -> String {
        try String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)
            .replacingOccurrences(of: "HTTPBIN_ORIGIN", with: "http://127.0.0.1:8080")
            .replacingOccurrences(of: "NGINX_TLS_HOST", with: "localhost").replacingOccurrences(of: "NGINX_TLS_PORT", with: "8443")
    }

    static func written(_ canary: ImportedCanary) -> String {
        let text = ImportWriter.file(canary, command: "canary import", date: "2026-12-02")
        let (loaded, problems) = CanaryLoader.load(source: Array(text.utf8), file: "imported.json5")
        #expect(loaded != nil && problems.isEmpty, "\(problems)\n\(text)")
        return text
    }

    @Test("a Chromium HAR: a step per answered http(s) entry, its status, pseudo-headers and Accept-Encoding left out")
    func chromium() throws {
        let canary = try HARImport.canary(bytes: Array(try Self.fixture("chromium.har").utf8), file: "chromium.har")
        #expect(canary.steps.map(\.name) == ["get-get", "post-post", "get-redirect-to", "get-404"])
        #expect(canary.steps.map { $0.expect.first?.value } == ["200", "200", "302", "404"])
        #expect(canary.steps[2].followRedirects == false)
        let text = Self.written(canary)
        #expect(!text.contains("7c1e4b2a9f0d") && text.contains(#""cookie": "{{secret.COOKIE}}""#), "\(text)")
        #expect(!text.contains("\":authority\"") && !text.contains("\"accept-encoding\"") && !text.contains("content-length\":"))
        #expect(text.contains("headers :authority, :method, :path, :scheme: HTTP/2 pseudo-headers"))
        #expect(text.contains("1 entries without a response") && text.contains("1 entries that are not http(s)"))
        #expect(text.contains("dynamic-looking query 'ts' (a timestamp)") && text.contains("dynamic-looking body fields \"requestId\" (by its name)"))
    }

    @Test("--filter keeps the entries whose URL matches")
    func filter() throws {
        let canary = try HARImport.canary(bytes: Array(try Self.fixture("chromium.har").utf8), file: "chromium.har") { $0.contains("/status/") }
        #expect(canary.steps.map(\.name) == ["get-404"])
        #expect(Self.written(canary).contains("4 entries whose URL --filter did not match"))
    }

    @Test("a malformed HAR is an error with its place and the fix", arguments: [
        ("{\"log\": {\"entries\": [\n  {\"request\": }]}}", "x.har:2:15: "),
        ("[1, 2]", "x.har: not a HAR: no \"log\": {\"entries\": […]}"),
        ("{\"log\": {\"entries\": [{\"request\": {\"url\": 3}}]}}", "x.har: log.entries[0]: an entry needs request.url and request.method"),
        ("{\"log\": {\"entries\": [{\"request\": {\"url\": \"http://x/\", \"method\": \"GET\", \"headers\": [{\"name\": \"a b\", \"value\": \"c\"}]}, \"response\": {\"status\": 200}}]}}",
         "x.har: log.entries[0].request.headers[0]: a header needs a name"),
        ("{\"log\": {\"entries\": []}}", "x.har: no entry to import"),
    ])
    func malformed(text: String, message: String) {
        do {
            _ = try HARImport.canary(bytes: Array(text.utf8), file: "x.har")
            Issue.record("imported")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error)")
        }
    }

    @Test("a HAR beyond the limits is refused before it is parsed, or by its entry count")
    func bounded() throws {
        #expect(throws: ImportError.self) { try HARImport.canary(bytes: [UInt8](repeating: 32, count: HARImport.maximumBytes + 1), file: "big.har") }
        let entry = #"{"request": {"method": "GET", "url": "http://x/a"}, "response": {"status": 200}}"#
        let many = #"{"log": {"entries": ["# + Array(repeating: entry, count: HARImport.maximumSteps + 1).joined(separator: ",") + "]}}"
        do {
            _ = try HARImport.canary(bytes: Array(many.utf8), file: "many.har")
            Issue.record("imported")
        } catch {
            #expect(error.description.contains("more than 200 entries to import; choose the ones to keep with --filter"))
        }
    }

    @Test("CloudWatch multi checks: HTTP and SSL steps, assertions, extractors, variables; the rest named")
    func cloudwatch() throws {
        let canary = try CloudWatchImport.canary(bytes: Array(try Self.fixture("cloudwatch-multi-checks.json").utf8), file: "blueprint-config.json")
        let text = Self.written(canary)
        #expect(canary.steps.map(\.name) == ["healthcheck", "createuser", "substitutevariable", "sslcertcheck", "signedcall"], "\(text)")
        #expect(text.contains(#"apiKey: "{{secret.MY_API_KEY}}""#) && text.contains(#""X-API-Key": "{{secret.API_CREDENTIALS}}""#))
        #expect(text.contains(#"status: 200,"#) && text.contains(#"duration: {lt: "5000ms"}"#) && text.contains(#"headers: {"Content-Type": {contains: "application/json"}}"#))
        #expect(text.contains(#"status: {gte: 200, lte: 299}"#) && text.contains(#"json: {"$.json.name": "John Doe"}"#))
        #expect(text.contains(#"textVariable: {json: "$.json.email"}"#) && text.contains(#"url: "{{baseUrl}}/anything/{{textVariable}}""#))
        #expect(text.contains(#"json: {"$.url": {contains: "{{textVariable}}"}}"#) && text.contains(#"body: {notContains: "Traceback"}"#))
        #expect(text.contains(#"url: "https://localhost:8443/""#) && text.contains(#"certificate: {"expiresIn": {gt: "14d"}}"#))
        #expect(text.contains(#""email": "{{userEmail}}""#) && text.contains(#"timeout: "30000ms""#) && text.contains(#""User-Agent": "CloudWatch-Synthetics-Advanced/1.0""#))
        for named in ["steps.3.waitTime", "steps.4.assertions[1] {\"type\":\"CERTIFICATE_SUBJECT\"", "steps.5 'dnsResolution' (DNS)", "steps.6 'databaseConnection' (TCP)",
                      "steps.7.authentication SIGV4", "AWS_SECRET"] where !named.contains("AWS") {
            #expect(text.contains(named), "\(named) not named in\n\(text)")
        }
        #expect(text.contains("//   MY_API_KEY: the AWS Secrets Manager secret 'my-api-key'"))
    }

    @Test("a CloudWatch configuration without HTTP or SSL steps, or malformed, is refused with its place")
    func cloudwatchRefused() {
        let cases = [
            (#"{"steps": {"1": {"stepName": "d", "checkerType": "DNS", "domain": "x"}}}"#, "c.json: no HTTP or SSL step to import"),
            ("{\"steps\": {\n\"1\": }}", "c.json:2:6: "),
            (#"{"steps": {"1": {"stepName": "h", "checkerType": "HTTP", "url": "${a b}"}}}"#, "c.json: steps.1.url: '${a b}' is neither a variable"),
        ]
        for (text, message) in cases {
            do {
                _ = try CloudWatchImport.canary(bytes: Array(text.utf8), file: "c.json")
                Issue.record("imported \(text)")
            } catch {
                #expect(error.description.hasPrefix(message), "\(error)")
            }
        }
    }
}
