import Testing
@testable import CanaryKit

private let twoSteps = """
{
  name: "shop",
  variables: {base: "http://127.0.0.1:8080", user: "ann"},
  defaults: {headers: {"X-User": "{{user}}"}},
  steps: [
    {
      name: "login",
      request: {url: "{{base}}/login", json: {name: "{{user}}", "list": ["{{env.HOME}}", "{{secret.PASS}}"]}},
      capture: {token: {json: "$.token"}},
    },
    {
      name: "cart",
      request: {url: "{{base}}/cart", headers: {Authorization: "Bearer {{token}}"}, query: {u: "{{user}}"}},
    },
  ],
}
"""

@Suite("Loading: variables")
struct LoadingVariablesTests {
    @Test("variables, earlier captures, env and secret placeholders all load")
    func known() {
        let (canary, problems) = loadCanary(twoSteps)
        #expect(problems.isEmpty, "\(problems)")
        #expect(canary?.steps.count == 2)
    }

    @Test("an unknown {{name}} names file:line:column, canary, step and the closest known name")
    func unknownWithSuggestion() throws {
        let text = twoSteps.replacingOccurrences(of: "Bearer {{token}}", with: "Bearer {{tokn}}")
        let problems = loadProblems(text)
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.description.hasPrefix("canaries/checkout.json:\(place(of: "\"Bearer {{tokn}}\"", in: text)): canary 'shop', step 'cart': unknown variable {{tokn}}; did you mean {{token}}?"), "\(problem)")
        #expect(problem.message.contains("--var tokn=VALUE"))
    }

    @Test("a name used in the step that captures it, or before, says where it is captured")
    func capturedTooLate() throws {
        let sameStep = twoSteps.replacingOccurrences(of: "{{base}}/login", with: "{{base}}/login/{{token}}")
        let early = try #require(loadProblems(sameStep).first)
        #expect(early.step == "login")
        #expect(early.message.contains("unknown variable {{token}}: it is captured by this step, so it can be used from the next step on"))

        let swapped = twoSteps
            .replacingOccurrences(of: "capture: {token: {json: \"$.token\"}},", with: "")
            .replacingOccurrences(of: "request: {url: \"{{base}}/cart\"", with: "capture: {token: {json: \"$.t\"}}, request: {url: \"{{base}}/cart\"")
            .replacingOccurrences(of: "{{base}}/login", with: "{{base}}/login?t={{token}}")
        let later = try #require(loadProblems(swapped).first)
        #expect(later.message.contains("it is captured by the later step 'cart'"), "\(later)")
    }

    @Test("names passed with --var count as defined")
    func commandLineVariables() {
        let text = twoSteps.replacingOccurrences(of: "{{base}}/cart", with: "{{host}}/cart")
        #expect(!loadProblems(text).isEmpty)
        let (canary, problems) = loadCanary(text, variables: ["host"])
        #expect(problems.isEmpty)
        #expect(canary != nil)
    }

    @Test("templates in defaults, query, form, body and json strings are checked", arguments: [
        "defaults: {headers: {\"X-User\": \"{{usr}}\"}},",
        "steps: [{request: {url: 'http://x', query: {a: '{{nope}}'}}}],",
        "steps: [{request: {url: 'http://x', form: {a: '{{nope}}'}}}],",
        "steps: [{request: {url: 'http://x', body: 'x={{nope}}'}}],",
        "steps: [{request: {url: 'http://x', json: {a: [{b: '{{nope}}'}]}}}],",
    ])
    func everywhere(fragment: String) {
        let steps = fragment.hasPrefix("steps") ? fragment : "steps: [{request: {url: 'http://x'}}],"
        let defaults = fragment.hasPrefix("defaults") ? fragment : ""
        let text = "{\n  variables: {user: 'a'},\n  \(defaults)\n  \(steps)\n}"
        let problems = loadProblems(text)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("unknown variable") == true, "\(problems)")
    }

    @Test("variables accept numbers and booleans as their text; other values are errors")
    func variableValues() throws {
        let (canary, _) = loadCanary("{variables: {a: 1, b: 2.5, c: true}, steps: [{request: {url: 'http://x'}}]}")
        #expect(canary?.variables == ["a": "1", "b": "2.5", "c": "true"])
        let problem = try #require(loadProblems("{variables: {a: [1]}, steps: [{request: {url: 'http://x'}}]}").first)
        #expect(problem.message == "expected a string for variable 'a', found an array")
    }
}

@Suite("Loading: templates")
struct LoadingTemplateTests {
    @Test("templates parse into parts, with spaces inside braces allowed", arguments: [
        ("plain", [Template.Part.literal("plain")]),
        ("", [.literal("")]),
        ("{{base}}/x", [.variable("base"), .literal("/x")]),
        ("a{{ user }}b", [.literal("a"), .variable("user"), .literal("b")]),
        ("{{env.HOME}}{{secret.TOKEN}}", [.env("HOME"), .secret("TOKEN")]),
        ("{\"a\":{\"b\":1}}", [.literal("{\"a\":{\"b\":1}}")]),
        ("x }} y", [.literal("x }} y")]),
    ])
    func parses(text: String, parts: [Template.Part]) throws {
        let template = try Template.parse(text)
        #expect(template.parts == parts)
        #expect(template.source == text)
    }

    @Test("malformed placeholders are errors with their position", arguments: [
        ("ab{{x", 3, "'{{' is never closed"),
        ("{{a{{b}}", 1, "before the next '{{'"),
        ("{{}}", 1, "empty placeholder"),
        ("x{{a b}}", 2, "'a b' is not a name"),
        ("{{env.}}", 1, "'' in {{env.}} is not an environment variable name"),
        ("{{foo.bar}}", 1, "unknown prefix 'foo.'"),
    ])
    func errors(text: String, column: Int, message: String) {
        #expect {
            try Template.parse(text)
        } throws: { error in
            guard let error = error as? TemplateSyntaxError else { return false }
            return error.column == column && error.message.contains(message)
        }
    }
}
