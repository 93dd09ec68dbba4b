import Foundation
import Testing
@testable import CanaryKit

/// The official JSON-Schema-Test-Suite (Tests/JSONSchemaSuite, MIT): every required draft
/// 2020-12 test, through the compiler and validator that `expect.jsonSchema` uses. Remote
/// references (`http://localhost:1234/…`) are read from the vendored `remotes/` folder.
@Suite("JSON Schema test suite")
struct JSONSchemaSuiteTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("JSONSchemaSuite")

    /// The vendored remotes by URL; nil for any other document (nothing is fetched).
    /// The draft 2020-12 metaschema and its vocabularies come from `metaschemas/`.
    static func remote(_ uri: String) -> Result<JSONValue, JSONSchemaProblem>? {
        let places = ["http://localhost:1234/": "remotes/", "https://json-schema.org/draft/2020-12/": "metaschemas/"]
        guard let (prefix, folderName) = places.first(where: { uri.hasPrefix($0.key) }) else { return nil }
        var name = String(uri.dropFirst(prefix.count))
        if folderName == "metaschemas/" { name += ".json" }
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(folderName + name)),
              let value = try? JSON5.parseJSON(data) else { return nil }
        return .success(value)
    }

    struct Outcome {
        var total = 0
        var failures: [String] = []
    }

    static func run(file: URL) throws -> Outcome {
        var outcome = Outcome()
        guard case .array(let groups) = try JSON5.parseJSON(Data(contentsOf: file)) else { return outcome }
        for group in groups {
            guard case .array(let tests)? = group["tests"], let schemaValue = group["schema"] else { continue }
            let name = "\(file.lastPathComponent): \(group["description"].map { $0.displayText } ?? "")"
            let schema: JSONSchema
            do {
                schema = try JSONSchemaCompiler.compile(schemaValue, baseURI: "file:///suite/schema.json", label: "schema", document: remote)
            } catch {
                outcome.total += tests.count
                outcome.failures += Array(repeating: "\(name): does not compile: \(error)", count: tests.count)
                continue
            }
            for test in tests {
                outcome.total += 1
                guard let data = test["data"] else { continue }
                let expected = test["valid"] == .bool(true)
                let result = JSONSchemaValidator.validate(data, against: schema)
                if result.isValid != expected {
                    let detail = result.stopped ?? result.violations.first?.description ?? "no violation"
                    outcome.failures.append("\(name) / \(test["description"]?.displayText ?? ""): expected \(expected ? "valid" : "invalid"), got \(detail)")
                }
            }
        }
        return outcome
    }

    @Test("every required draft 2020-12 test passes")
    func draft2020() throws {
        let folder = Self.folder.appendingPathComponent("tests/draft2020-12")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var total = 0
        var failures: [String] = []
        for file in files {
            let outcome = try Self.run(file: file)
            total += outcome.total
            failures += outcome.failures
        }
        print("JSON Schema test suite (draft 2020-12, required): \(total - failures.count) of \(total) pass")
        #expect(files.count == 46)
        #expect(failures.isEmpty, "\(failures.count) failing:\n\(failures.prefix(80).joined(separator: "\n"))")
    }
}
