import Foundation
import Testing

/// schema/canary.schema.json as a real validator reads it: check-jsonschema (PyPI, on the
/// jsonschema library, installed into the test venv by scripts/test-servers.sh), with JSON5
/// parsing as editors and CI hooks would use it. One run over all files per test.
@Suite("check-jsonschema (PyPI) with schema/canary.schema.json")
struct SchemaValidatorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files(in folder: String) throws -> [String] {
        let path = root.appendingPathComponent(folder).path
        return try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".json") }.sorted().map { path + "/" + $0 }
    }

    struct Report: Decodable {
        struct Problem: Decodable {
            var filename: String
            var path: String?
            var message: String
        }
        var status: String
        var errors: [Problem]
        var parse_errors: [Problem]?
    }

    /// check-jsonschema's JSON report on `files` (it exits 1 when any file fails).
    static func check(_ files: [String]) async throws -> Report {
        let out = try await CLI.run(
            ["-m", "check_jsonschema", "--schemafile", root.appendingPathComponent("schema/canary.schema.json").path,
             "--force-filetype", "json5", "-o", "json"] + files,
            executable: TestServers.value("CANARY_TEST_PYTHON"))
        #expect(out.status == 0 || out.status == 1, "check-jsonschema failed to run: \(out.stderr)")
        return try JSONDecoder().decode(Report.self, from: Data(out.stdout.utf8))
    }

    @Test("every canary in canaries/ follows the schema")
    func examplesValidate() async throws {
        let files = try Self.files(in: "canaries")
        #expect(files.count >= 5)
        let report = try await Self.check(files)
        #expect((report.parse_errors ?? []).isEmpty, "\((report.parse_errors ?? []).map(\.filename))")
        #expect(report.status == "ok", "\(report.errors.map { "\($0.filename) \($0.path ?? ""): \($0.message)" }.joined(separator: "\n"))")
    }

    @Test("every file in Tests/InvalidCanaries (unknown keys, wrong types, bad enums, ranges) is refused by the schema too")
    func invalidFixturesRefused() async throws {
        let files = try Self.files(in: "Tests/InvalidCanaries")
        let report = try await Self.check(files)
        #expect((report.parse_errors ?? []).isEmpty, "\((report.parse_errors ?? []).map(\.filename))")
        let refused = Set(report.errors.map(\.filename))
        let passed = files.filter { !refused.contains($0) }.map { ($0 as NSString).lastPathComponent }
        #expect(passed.isEmpty, "the loader refuses these, the schema lets them pass: \(passed)")
    }
}
