import Foundation
import Testing

/// A JUnit file as junitparser (PyPI) reads it, through scripts/junit-check.py: what a CI
/// dashboard would see, not what our own renderer thinks it wrote.
struct JUnitParsed: Decodable {
    struct Result: Decodable {
        var kind: String
        var message: String?
        var type: String?
        var text: String
    }
    struct Case: Decodable {
        var name: String
        var classname: String
        var time: Double?
        var result: [Result]
        var interim: [Result]
        var systemOut: String
    }
    struct Suite: Decodable {
        var name: String
        var tests: Int
        var skipped: Int?
        var time: Double?
        var cases: [Case]
    }
    var tests: Int
    var failures: Int
    var errors: Int
    var time: Double?
    var suites: [Suite]

    static func read(_ path: String) async throws -> JUnitParsed {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = try await CLI.run(
            [root.appendingPathComponent("scripts/junit-check.py").path, path], executable: TestServers.value("CANARY_TEST_PYTHON"))
        guard out.status == 0 else {
            Issue.record("junitparser could not read \(path): \(out.stderr)")
            throw CocoaError(.fileReadCorruptFile)
        }
        return try JSONDecoder().decode(JUnitParsed.self, from: Data(out.stdout.utf8))
    }

    func suite(_ name: String) -> Suite? { suites.first { $0.name == name } }
}
