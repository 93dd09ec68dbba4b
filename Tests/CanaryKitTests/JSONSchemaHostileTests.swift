import Foundation
import Testing
@testable import CanaryKit

/// Hostile bodies and schemas end in a clear result within bounds: no stack overflow, no hang.
@Suite("JSON Schema against hostile bodies and schemas")
struct JSONSchemaHostileTests {
    static func compile(_ text: String) throws -> JSONSchema {
        try JSONSchemaCompiler.compile(JSON5.parseJSON(Array(text.utf8)), baseURI: "file:///t/schema.json", label: "inline") { _ in nil }
    }

    @Test("the deepest body the parser reads (255 levels) against a recursive schema: validated, no stack overflow")
    func deepBody() throws {
        let schema = try Self.compile(##"{"anyOf": [{"type": "number"}, {"type": "array", "items": {"$ref": "#"}}]}"##)
        let depth = JSON5.maximumDepth - 1
        let body = try JSON5.parseJSON(Array((String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)).utf8))
        #expect(JSONSchemaValidator.validate(body, against: schema).isValid)
        let bad = try JSON5.parseJSON(Array((String(repeating: "[", count: depth) + "\"x\"" + String(repeating: "]", count: depth)).utf8))
        #expect(JSONSchemaValidator.validate(bad, against: schema).total == 1)
    }

    @Test("a $dynamicRef loop the compiler cannot see stops with a reason instead of recursing forever")
    func dynamicLoop() throws {
        let schema = try Self.compile(##"{"$dynamicAnchor": "x", "allOf": [{"$dynamicRef": "#x"}]}"##)
        let result = JSONSchemaValidator.validate(.number(1), against: schema)
        #expect(result.stopped?.contains("loops back to itself") == true, "\(result)")
        #expect(!result.isValid)
    }

    // 100,000 objects (2 MB): 500,000 in a debug build, beside the other unit tests on a loaded
    // machine, took longer than the 10 s time limit and stopped part way.
    @Test("a 2 MB body of 100,000 objects validates in seconds, its violations capped")
    func wideBody() throws {
        let item = #"{"id": 1, "name": "abcdefgh"}"#
        let text = "[" + Array(repeating: item, count: 100_000).joined(separator: ",") + "]"
        let body = try JSON5.parseJSON(Array(text.utf8))
        let schema = try Self.compile(#"{"items": {"type": "object", "required": ["id", "price"], "properties": {"id": {"type": "integer"}}}}"#)
        let started = Date()
        let result = JSONSchemaValidator.validate(body, against: schema)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(result.stopped == nil)
        #expect(result.total == 100_000)
        #expect(result.violations.count == JSONSchemaValidator.maximumListed)
    }

    @Test("an exponential schema hits the work limit and says so")
    func exponential() throws {
        // Each level tries both branches of anyOf on the same value: 2^40 paths.
        let levels = (1...40).map { ##""l\##($0)": {"anyOf": [{"$ref": "#/$defs/l\##($0 - 1)"}, {"$ref": "#/$defs/l\##($0 - 1)"}]}"## }
        let compiled = try Self.compile(##"{"$defs": {"l0": {"type": "string"}, \##(levels.joined(separator: ", "))}, "$ref": "#/$defs/l40"}"##)
        let result = JSONSchemaValidator.validate(.number(1), against: compiled)
        #expect(result.stopped?.contains("validation stopped after") == true, "\(result)")
    }
}
