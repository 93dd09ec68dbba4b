import Foundation
import Testing
@testable import CanaryKit

/// `schema/canary.schema.json` is `canary schema`'s output, written from the decoder's shapes;
/// these tests keep the file, the shapes and the keys the decoder reads in step.
@Suite("the JSON Schema of the canary file")
struct SchemaFileTests {
    static let root = ExampleCoverageTests.root
    static let committedPath = root.appendingPathComponent("schema/canary.schema.json").path
    static let regenerate = "regenerate it: swift build && .build/debug/canary schema > schema/canary.schema.json"

    static func committed() throws -> JSONValue {
        try JSON5.parseJSON(Array(try Data(contentsOf: URL(fileURLWithPath: committedPath))))
    }

    /// Property names of each `$defs` entry of the committed schema, in file order.
    static func definitions() throws -> [(name: String, keys: [String], closed: Bool)] {
        guard case .object(let defs)? = try committed()["$defs"] else { return [] }
        return defs.map { name, schema in
            guard case .object(let properties)? = schema["properties"] else { return (name, [], false) }
            return (name, properties.map(\.key), schema["additionalProperties"] == .bool(false))
        }
    }

    @Test("the committed schema/canary.schema.json is what `canary schema` prints")
    func committedIsCurrent() throws {
        let current = (try? String(contentsOfFile: Self.committedPath, encoding: .utf8)) == FileSchema.text
        #expect(current, "schema/canary.schema.json is missing or out of date; \(Self.regenerate)")
    }

    @Test("every shape the decoder reads is in the schema with the same keys, closed to others, and nothing else is")
    func shapesMatchSchema() throws {
        let written = try Self.definitions()
        for shape in Shapes.all {
            guard let definition = written.first(where: { $0.name == shape.name }) else {
                Issue.record("the loader reads '\(shape.name)' objects, which the schema lacks; \(Self.regenerate)")
                continue
            }
            #expect(definition.keys == shape.keys, "'\(shape.name)': the loader takes \(shape.keys), the schema \(definition.keys); \(Self.regenerate)")
            #expect(definition.closed, "'\(shape.name)': the loader refuses unknown keys, the schema must too")
        }
        for definition in written where Shapes.named(definition.name) == nil {
            Issue.record("the schema has '\(definition.name)', which the loader does not read; \(Self.regenerate)")
        }
    }

    /// The tables the decoder really reads (not only the shapes it is meant to read): a key list
    /// written in a decode call instead of a shape, or a shape missing from `Shapes.all`, fails here.
    @Test("every table of keys the decoder reads while loading the examples and fixtures is an object of the schema")
    func decoderTablesMatchSchema() throws {
        let files = try ["canaries", "Tests/InvalidCanaries"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(folder).path)
                .filter { $0.hasSuffix(".json") }.map { Self.root.appendingPathComponent(folder).path + "/" + $0 }
        }
        let coverage = try ExampleCoverageTests.coverage(of: files)
        let written = try Self.definitions()
        #expect(coverage.tables.count >= 12, "the decoder read \(coverage.tables.map(\.what))")
        for table in coverage.tables {
            #expect(written.contains { $0.keys == table.allowed },
                    "the loader reads \(table.what) with keys \(table.allowed), no object of the schema has them; declare them in Loading/Shapes")
        }
    }

    @Test("each file in Tests/InvalidCanaries says what is wrong with it and is refused by the loader")
    func invalidFixturesAreInvalid() throws {
        let folder = Self.root.appendingPathComponent("Tests/InvalidCanaries").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 40)
        for name in files {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            #expect(text.hasPrefix("// "), "\(name) starts with a comment saying what is wrong")
            let (canary, problems) = CanaryLoader.load(source: Array(text.utf8), file: folder + "/" + name, definedVariables: [])
            #expect(canary == nil && !problems.isEmpty, "\(name) loads, so it is no invalid fixture")
        }
    }
}
