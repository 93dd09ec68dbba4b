import Foundation
import Testing
@testable import CanaryKit

/// `expect.jsonSchema`: loading (inline, from files, with `$ref`s between files), load-time
/// problems with their places, and the failure messages of a run.
@Suite("JSON Schema assertions")
struct JSONSchemaAssertionTests {
    /// The schema assertion of a loaded canary's only step.
    static func schema(of canary: Canary?) -> JSONSchema? {
        guard case .jsonSchema(let schema)? = canary?.steps.first?.assertions.first(where: { $0.query.label == "jsonSchema" })?.query else { return nil }
        return schema
    }

    static func failure(_ schema: JSONSchema, body: String, secrets: [String] = []) -> AssertionFailure? {
        var facts = ResponseFacts(status: 200, body: Array(body.utf8), bodyJSON: ResponseFacts.parseJSON(Array(body.utf8)).value)
        facts.bodyJSONProblem = ResponseFacts.parseJSON(Array(body.utf8)).problem
        facts.redactor = Redactor(secrets: Set(secrets))
        return AssertionEvaluator.evaluate(Assertion(query: .jsonSchema(schema), predicates: []), on: facts)
    }

    static let orderSchema = """
        {type: "object", required: ["items"], properties: {items: {type: "array", items: {
          type: "object", properties: {price: {type: "number", minimum: 0}, sku: {type: "string"}}}}}}
        """

    @Test("an inline schema loads, and each violation names its place in the body and in the schema")
    func inlineMessage() throws {
        let (canary, problems) = loadCanary(oneStep(##"{request: {url: "{{base}}/order"}, expect: {jsonSchema: \##(Self.orderSchema)}}"##))
        #expect(problems.isEmpty, "\(problems)")
        let schema = try #require(Self.schema(of: canary))
        #expect(Self.failure(schema, body: ##"{"items": [{"price": 1}, {"price": 2, "sku": "a"}]}"##) == nil)
        let failure = try #require(Self.failure(schema, body: ##"{"items": [{"price": 1}, {}, {}, {"price": -1, "sku": 7}]}"##))
        #expect(failure.message == "jsonSchema: /items/3/price: -1 is less than the minimum 0 (schema /properties/items/items/properties/price/minimum); /items/3/sku: 7 is a number, expected string (schema /properties/items/items/properties/sku/type)")
        #expect(failure.actual == "2 violations")
    }

    @Test("violations are capped at ten, with a count of the rest")
    func capped() throws {
        let (canary, _) = loadCanary(oneStep(##"{request: {url: "{{base}}/"}, expect: {jsonSchema: {items: {type: "string"}}}}"##))
        let schema = try #require(Self.schema(of: canary))
        let failure = try #require(Self.failure(schema, body: "[" + (1...25).map(String.init).joined(separator: ",") + "]"))
        #expect(failure.message.hasSuffix("; and 15 more"))
        #expect(failure.message.components(separatedBy: "expected string").count == 11)
    }

    @Test("a body that is not JSON, or nested 100,000 deep, fails with the reason, not a crash")
    func notJSON() throws {
        let (canary, _) = loadCanary(oneStep(##"{request: {url: "{{base}}/"}, expect: {jsonSchema: {type: "object"}}}"##))
        let schema = try #require(Self.schema(of: canary))
        #expect(Self.failure(schema, body: "<html>")?.message == "jsonSchema: the body is not JSON")
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let failure = try #require(Self.failure(schema, body: deep))
        #expect(failure.message.hasPrefix("jsonSchema: the body is not JSON: arrays nested more than 256"))
    }

    @Test("a secret in the body is masked in violation messages")
    func secretsMasked() throws {
        let (canary, _) = loadCanary(oneStep(##"{request: {url: "{{base}}/"}, expect: {jsonSchema: {properties: {token: {type: "number"}}, additionalProperties: false}}}"##))
        let schema = try #require(Self.schema(of: canary))
        let failure = try #require(Self.failure(schema, body: ##"{"token": "s3cr3t-value", "s3cr3t-value": 1}"##, secrets: ["s3cr3t-value"]))
        #expect(!failure.message.contains("s3cr3t"), "\(failure.message)")
    }

    @Test("a schema file is read relative to the canary file, with $ref to another file and formats asserted on request")
    func fromFiles() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path + "/schemas", withIntermediateDirectories: true)
        _ = try scratch.write("schemas/user.json", ##"{"type": "object", "properties": {"address": {"$ref": "address.json"}, "email": {"format": "email"}}}"##)
        _ = try scratch.write("schemas/address.json", ##"{"$defs": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}, "properties": {"zip": {"$ref": "#/$defs/zip"}}}"##)
        let file = try scratch.write("user.json", oneStep(##"{request: {url: "{{base}}/"}, expect: {jsonSchema: {file: "schemas/user.json", formats: true}}}"##))
        let (canary, problems) = CanaryLoader.load(source: Array(try String(contentsOfFile: file, encoding: .utf8).utf8), file: file)
        #expect(problems.isEmpty, "\(problems)")
        let schema = try #require(Self.schema(of: canary))
        #expect(Self.failure(schema, body: ##"{"address": {"zip": "12345"}, "email": "a@example.com"}"##) == nil)
        let failure = try #require(Self.failure(schema, body: ##"{"address": {"zip": "1234"}, "email": "nobody"}"##))
        #expect(failure.message.contains(##"/address/zip: "1234" does not match the pattern /^[0-9]{5}$/ (schema address.json#/$defs/zip/pattern)"##), "\(failure.message)")
        #expect(failure.message.contains(##"/email: "nobody" is not a valid email (schema /properties/email/format)"##), "\(failure.message)")
    }

    @Test("bad schemas are load problems that name the place and the fix", arguments: [
        (##"{minimum: "0"}"##, "'minimum' must be a number, found string"),
        (##"{type: "strng"}"##, "'strng' is not a JSON Schema type; did you mean 'string'?"),
        (##"{properties: {a: {$ref: "#/$defs/missing"}}}"##, "the document has nothing at /$defs/missing"),
        (##"{$ref: "#"}"##, "the schema refers back to itself without looking inside the value"),
        (##"{$defs: {a: {allOf: [{$ref: "#/$defs/b"}]}, b: {$ref: "#/$defs/a"}}, $ref: "#/$defs/a"}"##, "the schema refers back to itself"),
        (##"{$ref: "https://example.com/user.json"}"##, "canary fetches no schema over the network"),
        (##"{$ref: "missing.json"}"##, "no such file"),
        (##"{pattern: "("}"##, "is not a regular expression"),
        (##"{file: "schemas/none.json"}"##, "schemas/none.json at /: no such file"),
        (##"{$schema: "http://json-schema.org/draft-04/schema#"}"##, "unknown '$schema'"),
        (##""user.json""##, "'jsonSchema' is a schema"),
    ])
    func badSchemas(schema: String, message: String) throws {
        let problems = loadProblems(oneStep(##"{request: {url: "{{base}}/"}, expect: {jsonSchema: \##(schema)}}"##))
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains(message) == true, "\(problems)")
        #expect(problems.first.map { $0.location.line == 5 } == true)
    }

    @Test("a problem inside an inline schema is placed at its own line and column")
    func inlinePlace() throws {
        let problems = loadProblems(oneStep("""
            {request: {url: "{{base}}/"}, expect: {jsonSchema: {
                  properties: {
                    price: {minimum: "zero"}}}}}
            """))
        #expect(problems.first?.location.line == 7)
        #expect(problems.first?.location.column == 26)
    }
}
