import Testing
@testable import CanaryKit

/// Issue 22, items 1, 2 and 5, without a server: expectations are templates, checked at load
/// time and filled in at run time; variables may use variables.
@Suite("Templates in expectations and variables")
struct ExpectTemplateTests {
    @Test("templates in expected values, header names and JSONPath keys load, and are filled in before checking")
    func renderAssertions() throws {
        let (canary, problems) = loadCanary(withVariables(#"{base: "http://x", code: "201", h: "X-Path", n: "42", field: "name", user: "alice", limit: "2s"}"#, step: """
            {name: "s", request: {url: "{{base}}"}, expect: {
              status: "{{code}}",
              headers: {"{{h}}": {contains: "/{{n}}"}},
              json: {"$.{{field}}": "{{user}}", "$.list": {eq: ["{{user}}", 1]}, "$.size": {lt: "{{n}}"}},
              duration: {lt: "{{limit}}"},
              body: {matches: "^{{user}}"},
            }}
            """))
        #expect(problems.isEmpty, "\(problems)")
        var interpolator = Interpolator(variables: try #require(canary).variables, environment: [:])
        let rendered = try canary!.steps[0].assertions.map { try interpolator.render($0) }
        #expect(rendered.map(\.query) == [
            .status, .header("X-Path"), .json(try JSONPath.parse("$.name")), .json(try JSONPath.parse("$.list")),
            .json(try JSONPath.parse("$.size")), .duration, .body,
        ])
        #expect(rendered.map(\.predicates) == [
            [.equals(.number(201))], [.contains(.string("/42"))], [.equals(.string("alice"))],
            [.equals(.array([.string("alice"), .number(1)]))], [.lessThan(.string("42"))], [.lessThan(.string("2s"))],
            [.matches("^alice")],
        ])
    }

    @Test("a secret rendered into an expectation is remembered for redaction")
    func secretInExpectation() throws {
        var interpolator = Interpolator(variables: [:], environment: ["PW": "hunter2"])
        let assertion = Assertion(query: .body, predicates: [.notContains(.string("{{secret.PW}}"))])
        #expect(try interpolator.render(assertion).predicates == [.notContains(.string("hunter2"))])
        #expect(interpolator.secretValues == ["hunter2"])
    }

    @Test("an unknown name in an expectation is a load problem at its place", arguments: [
        #"expect: {json: {"$.a": "{{nope}}"}}"#,
        #"expect: {headers: {"{{nope}}": "x"}}"#,
        #"expect: {json: {"$.{{nope}}": 1}}"#,
        #"expect: {body: {contains: "{{nope}}"}}"#,
        #"expect: {status: {in: [200, "{{nope}}"]}}"#,
    ])
    func unknownInExpectation(_ expect: String) throws {
        let problems = loadProblems(oneStep("{name: \"s\", request: {url: \"{{base}}\"}, \(expect)}"))
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix("unknown variable {{nope}}") == true, "\(problems)")
    }

    @Test("ordering predicates on header values accept numbers")
    func numberOperandOnHeader() throws {
        let (canary, problems) = loadCanary(oneStep(#"{request: {url: "{{base}}"}, expect: {headers: {"X-RateLimit-Remaining": {gt: 10, lte: "100"}}}}"#))
        #expect(problems.isEmpty, "\(problems)")
        #expect(canary?.steps[0].assertions[0].predicates == [.greaterThan(.number(10)), .lessThanOrEqual(.string("100"))])
    }

    @Test("variables that use variables are expanded when used; a capture is never expanded")
    func nestedVariables() throws {
        var interpolator = Interpolator(
            variables: ["base": "http://h", "api": "{{base}}/anything", "auth": "Bearer {{secret.T}}"], environment: ["T": "tok"])
        #expect(try interpolator.render(Template.parse("{{api}}/x")) == "http://h/anything/x")
        #expect(try interpolator.render(Template.parse("{{auth}}")) == "Bearer tok")
        #expect(interpolator.secretValues == ["tok"])
        interpolator.set("echo", "{{base}}")
        #expect(try interpolator.render(Template.parse("{{echo}}")) == "{{base}}")
    }

    @Test("a cycle of variables is an error at run time that names the chain")
    func cycleAtRunTime() throws {
        var interpolator = Interpolator(variables: ["a": "{{b}}/x", "b": "{{a}}"], environment: [:])
        #expect(throws: InterpolationError.variableCycle(["a", "b", "a"])) { try interpolator.render(Template.parse("{{a}}")) }
    }

    @Test("a cycle of variables, or an unknown name inside one, is a load problem at the variable")
    func cycleAtLoadTime() throws {
        let text = withVariables(#"{api: "{{root}}/v1", root: "{{api}}/..", x: "{{nope}}"}"#, step: #"{request: {url: "{{api}}"}}"#)
        let problems = loadProblems(text)
        #expect(problems.map(\.message).contains { $0.hasPrefix("variable 'api' uses itself: api → root → api") }, "\(problems)")
        #expect(problems.map(\.message).contains { $0.hasPrefix("unknown variable {{nope}}") }, "\(problems)")
        #expect(problems.contains { "\($0.location.line):\($0.location.column)" == place(of: #""{{root}}/v1""#, in: text) }, "\(problems)")
    }
}

/// A one-step canary with these `variables`.
private func withVariables(_ variables: String, step: String) -> String {
    """
    {
      name: "shop",
      variables: \(variables),
      steps: [
        \(step)
      ],
    }
    """
}
