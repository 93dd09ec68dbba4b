import CanaryKit
import Foundation
import Testing

/// Issue 22, items 1, 2 and 5: expectations are templates, header values order as numbers, and
/// variables may use variables — each against real httpbin, as the issue reproduced them.
@Suite("Expectations and variables against a real server")
struct ExpectTemplateTests {
    @Test("{{…}} is filled in inside expected values, header names and JSONPath keys; a secret in an expectation stays masked")
    func templatesInExpect() async throws {
        var harness = CanaryHarness()
        harness.environment["PW"] = "hunter2"
        let canary = """
            {name: "t", variables: {user: "alice", n: "42", field: "user", hname: "Content-Type"},
             steps: [{name: "echo",
               request: {method: "POST", url: "{{httpbin}}/anything/{{n}}", json: {user: "{{user}}", password: "{{secret.PW}}"}},
               expect: {
                 body: {notContains: "{{secret.PW}}"},
                 json: {"$.json.user": "{{user}}", "$.json.{{field}}": {eq: "{{user}}"}, "$.url": {contains: "/{{n}}"}},
                 headers: {"{{hname}}": {contains: "json"}},
               }}]}
            """
        let result = try #require(await harness.run(canary))
        let step = result.record.steps[0]
        #expect(step.error == nil, "\(step.error ?? "")")
        // The server echoed the secret: notContains must fail, and it is the only failure.
        #expect(step.failures.map(\.assertion) == ["body"], "\(step.failures.map(\.message))")
        let redacted = Redactor(secrets: result.secrets).redact(result.record)
        let failure = try #require(redacted.steps[0].failures.first)
        #expect(failure.expected == "not contains \"***\"", "\(failure.expected)")
        #expect(!failure.message.contains("hunter2"), "\(failure.message)")
    }

    @Test("a templated expectation that does not hold still fails, with the filled-in value")
    func templatedMismatch() async throws {
        let result = try #require(await CanaryHarness().runStep(
            #"{request: {url: "{{httpbin}}/anything?u=bob"}, expect: {json: {"$.args.u": "{{who}}"}}}"#,
            extra: #"variables: {who: "alice"},"#))
        #expect(result.record.steps[0].failures.map(\.message) == [#"json $.args.u: expected "alice", got "bob""#])
    }

    @Test("ordering predicates on header values compare numbers, quoted or not", arguments: [
        SpecCase(#"{request: {url: "{{httpbin}}/response-headers?X-RateLimit-Remaining=9"}, expect: {headers: {"X-RateLimit-Remaining": {gt: "10"}}}}"#,
                 #"header X-RateLimit-Remaining: expected > "10", got "9""#),
        SpecCase(#"{request: {url: "{{httpbin}}/response-headers?X-RateLimit-Remaining=9"}, expect: {headers: {"X-RateLimit-Remaining": {gt: 10}}}}"#,
                 #"header X-RateLimit-Remaining: expected > 10, got "9""#),
        SpecCase(#"{request: {url: "{{httpbin}}/response-headers?X-Count=99"}, expect: {headers: {"X-Count": {lt: "100", gte: 99}}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/response-headers?X-Count=99"}, expect: {headers: {"X-Count": {lte: 98.5}}}}"#,
                 #"header X-Count: expected <= 98.5, got "99""#),
        SpecCase(#"{request: {url: "{{httpbin}}/response-headers?X-Version=abc"}, expect: {headers: {"X-Version": {gt: "abb"}}}}"#, nil),
    ])
    func numericHeaders(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "transfer failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message)
    }

    @Test("variables that use variables are expanded before the request is sent")
    func nestedVariables() async throws {
        let result = try #require(await CanaryHarness().runStep(
            #"{request: {url: "{{api}}/x"}, expect: {json: {"$.url": {contains: "/anything/x"}}}}"#,
            extra: #"variables: {base: "{{httpbin}}", api: "{{base}}/anything"},"#))
        let step = result.record.steps[0]
        #expect(step.error == nil, "\(step.error ?? "")")
        #expect(step.request?.url.hasSuffix("/anything/x") == true, "\(step.request?.url ?? "")")
        #expect(step.request?.url.contains("{{") == false)
        #expect(step.failures.isEmpty, "\(step.failures.map(\.message))")
    }
}
