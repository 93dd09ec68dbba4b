import Testing
@testable import CanaryKit

private let environment = ["CANARY_USER": "ann", "API_TOKEN": "s3cr3t", "EMPTY": ""]

private func template(_ parts: Template.Part...) -> Template {
    Template(source: "(test)", parts: parts)
}

@Suite("Interpolation")
struct InterpolationTests {
    @Test("variables, captures and environment variables fill their placeholders")
    func fills() throws {
        var interpolator = Interpolator(variables: ["base": "http://127.0.0.1:8080"], environment: environment)
        interpolator.set("token", "abc")
        let url = template(.variable("base"), .literal("/users/"), .env("CANARY_USER"), .literal("?t="), .variable("token"))
        #expect(try interpolator.render(url) == "http://127.0.0.1:8080/users/ann?t=abc")
        #expect(interpolator.secretValues.isEmpty)
    }

    @Test("a capture replaces a variable of the same name for later steps")
    func captureOverrides() throws {
        var interpolator = Interpolator(variables: ["id": "1"], environment: [:])
        interpolator.set("id", "2")
        #expect(try interpolator.render(template(.variable("id"))) == "2")
        #expect(interpolator.variables == ["id": "2"])
    }

    @Test("secret values are substituted and remembered for redaction; empty ones are not")
    func secrets() throws {
        var interpolator = Interpolator(variables: [:], environment: environment)
        #expect(try interpolator.render(template(.literal("Bearer "), .secret("API_TOKEN"))) == "Bearer s3cr3t")
        #expect(try interpolator.render(template(.secret("EMPTY"))) == "")
        #expect(interpolator.secretValues == ["s3cr3t"])
    }

    @Test("unresolved names are errors that name the placeholder and never a secret's value", arguments: [
        (Template.Part.variable("token"), #"variable 'token' is not defined; define it in "variables", capture it in an earlier step, or pass --var token=VALUE"#),
        (.variable("bsae"), #"variable 'bsae' is not defined (did you mean 'base'?); define it in "variables", capture it in an earlier step, or pass --var bsae=VALUE"#),
        (.env("CANARY_PASSWORD"), "environment variable 'CANARY_PASSWORD' is not set"),
        (.secret("DB_TOKEN"), "secret 'DB_TOKEN' is not set: {{secret.DB_TOKEN}} reads the environment variable DB_TOKEN"),
    ])
    func unresolved(_ part: Template.Part, message: String) {
        var interpolator = Interpolator(variables: ["base": "x", "other": "y"], environment: environment)
        #expect(throws: InterpolationError.self) { try interpolator.render(template(.literal("a"), part)) }
        do {
            _ = try interpolator.render(template(part))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("JSON bodies: every string value is a template, keys and other values stay as written")
    func jsonBody() throws {
        var interpolator = Interpolator(variables: ["n": "3"], environment: environment)
        let body: JSONValue = .object([
            ("user", .string("{{env.CANARY_USER}}")),
            ("auth", .object([("token", .string("Bearer {{ secret.API_TOKEN }}"))])),
            ("{{n}}", .array([.string("n={{n}}"), .number(1), .bool(true), .null])),
            ("count", .string("{{n}}")),
        ])
        let rendered = try interpolator.render(json: body)
        #expect(rendered == .object([
            ("user", .string("ann")),
            ("auth", .object([("token", .string("Bearer s3cr3t"))])),
            ("{{n}}", .array([.string("n=3"), .number(1), .bool(true), .null])),
            ("count", .string("3")),
        ]))
        #expect(interpolator.secretValues == ["s3cr3t"])
    }

    @Test("broken placeholders in a JSON body are errors", arguments: [
        ("a {{b", #"template "a {{b" is not valid: at character 3: "#),
        ("{{}}", #"template "{{}}" is not valid: at character 1: "#),
        ("{{a b}}", #"template "{{a b}}" is not valid: at character 1: "#),
    ])
    func brokenJSONTemplates(_ text: String, message: String) {
        var interpolator = Interpolator(variables: ["b": "1"], environment: [:])
        do {
            _ = try interpolator.render(json: .string(text))
            Issue.record("expected \(text) to be rejected")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error)")
        }
    }
}
