import CanaryKit
import Foundation
import Testing

/// Issue 25 item 7: a secret never follows a redirect to another origin, and https never
/// redirects down to http unless the step allows it.
@Suite("security: redirects keep secrets where they were sent")
struct SecurityRedirectTests {
    static let key = "RedirectKey-9d8c7b6a"
    private var hostilePort: Int { URL(string: TestServers.hostile)?.port ?? 0 }
    private var harness: CanaryHarness {
        var harness = CanaryHarness()
        harness.environment["REDIRECT_KEY"] = Self.key
        return harness
    }

    private func run(_ request: String) async throws -> (StepRecord, RunResult) {
        let result = try #require(await harness.runStep("{name: \"s\", request: {\(request)}, expect: {status: 200}}"))
        return (result.record.steps[0], result)
    }

    private func bodies(_ result: RunResult) -> String {
        result.exchanges.map { String(decoding: $0.response?.body ?? [], as: UTF8.self) }.joined()
    }

    @Test("a secret header or a secret body is not sent on to another port: the step fails saying why", arguments: [
        #"headers: {"X-Api-Key": "{{secret.REDIRECT_KEY}}"}"#,
        #"method: "POST", json: {password: "{{secret.REDIRECT_KEY}}"}"#,
    ])
    func otherPort(secretPart: String) async throws {
        let (step, result) = try await run("url: \"{{site}}/to-port/\(hostilePort)/echo\", \(secretPart)")
        #expect(!bodies(result).contains(Self.key), "the secret reached the other port")
        #expect(step.outcome == .failed && step.errorKind == "insecureRedirect", "\(step)")
        #expect(step.error?.contains("127.0.0.1:\(hostilePort)") == true && step.error?.contains("secret") == true, "\(step.error ?? "")")
    }

    @Test("a redirect within the origin, or with only Authorization (which libcurl drops), is followed")
    func followed() async throws {
        let (same, _) = try await run(#"url: "{{site}}/redirect-home", headers: {"X-Api-Key": "{{secret.REDIRECT_KEY}}"}"#)
        #expect(same.outcome == .passed, "\(same)")
        let (auth, result) = try await run("url: \"{{site}}/to-port/\(hostilePort)/echo\", headers: {Authorization: \"Bearer {{secret.REDIRECT_KEY}}\"}")
        #expect(auth.outcome == .passed, "\(auth)")
        #expect(!bodies(result).contains(Self.key))
    }

    @Test("https to http is refused unless allowInsecureRedirects: true")
    func downgrade() async throws {
        let url = "url: \"{{tls}}/to-http/\(hostilePort)/echo\""
        let (refused, result) = try await run("\(url), headers: {\"X-Api-Key\": \"{{secret.REDIRECT_KEY}}\"}")
        #expect(!bodies(result).contains(Self.key), "the secret went out in clear text")
        #expect(refused.outcome == .failed && refused.errorKind == "insecureRedirect", "\(refused)")
        #expect(refused.error?.contains("allowInsecureRedirects") == true, "\(refused.error ?? "")")
        let (plain, _) = try await run(url)
        #expect(plain.outcome == .failed && plain.errorKind == "insecureRedirect", "\(plain)")
        let (allowed, _) = try await run("\(url), allowInsecureRedirects: true")
        #expect(allowed.outcome == .passed, "\(allowed)")
    }
}
