import CanaryKit
import Foundation
import Testing

/// `canary validate` over a folder of damaged canary files: every bad file is named with a
/// line and column, the good ones are counted, the exit code is 2, and nothing crashes.
@Suite("validate mangled files")
struct ValidateMangledTests {
    /// Cut-off, bit-flipped and hostile copies of the example canaries, by file name.
    private func mangledFiles() throws -> [(name: String, bytes: [UInt8])] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("canaries").path
        var files: [(String, [UInt8])] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix(".json") }).sorted() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            let base = String(name.dropLast(5))
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 12)) {
                files.append(("\(base)-cut\(cut).json", Array(bytes[..<cut])))
            }
            for flip in stride(from: 7, to: bytes.count, by: max(1, bytes.count / 12)) {
                var copy = bytes
                copy[flip] ^= UInt8(1 << (flip % 7))
                files.append(("\(base)-flip\(flip).json", copy))
            }
            files.append(("\(base).json", bytes))
        }
        files += [
            ("empty.json", []),
            ("deep.json", Array((String(repeating: "[", count: 100_000)).utf8)),
            ("top-array.json", Array("[{steps: []}]".utf8)),
            ("nul.json", [0x7B, 0x00, 0x7D]),
            ("overlong.json", Array("{name: '".utf8) + [0xC0, 0xAF] + Array("'}".utf8)),
            ("huge-number.json", Array("{retries: 1e999999, steps: [{request: {url: 'http://x'}}]}".utf8)),
        ]
        return files
    }

    @Test("every damaged file is reported with file:line:column, valid ones counted, exit 2")
    func validateFolder() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try mangledFiles()
        for file in files {
            try Data(file.bytes).write(to: URL(fileURLWithPath: folder + "/" + file.name))
        }
        // The schemas the examples name by a path relative to their file (expect.jsonSchema).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("canaries/schemas").path, toPath: folder + "/schemas")
        // What the loader says in process is what the CLI must report.
        let expected = CanaryLoader.load(paths: [folder], definedVariables: ["httpbin", "site"])
        let output = try await CLI.run(["validate", folder, "--var", "httpbin=http://h", "--var", "site=http://s"])
        #expect(output.status == 2)
        #expect(!output.stderr.contains("Fatal error") && output.stderr.isEmpty, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "\(counted(expected.problems.count, "problem", "problems")); \(counted(expected.canaries.count, "canary", "canaries")) valid")
        var named: Set<String> = []
        // Warnings (an environment variable unset here) are not problems: the file is valid.
        // The schemas folder is listed as skipped (folders are not searched).
        for line in lines.dropLast() where !line.hasPrefix("warning: ") && line != "skipped: \(folder)/schemas: a folder (folders are not searched; name it to load its files)" {
            let parts = line.split(separator: ":", maxSplits: 3).map(String.init)
            guard parts.count == 4, parts[0].hasPrefix(folder + "/"), Int(parts[1]) != nil, Int(parts[2]) != nil else {
                Issue.record("not file:line:column: \(line.prefix(200))")
                continue
            }
            named.insert((parts[0] as NSString).lastPathComponent)
        }
        let invalid = Set(files.map(\.name)).subtracting(expected.canaries.map { ($0.file as NSString).lastPathComponent })
        #expect(named == invalid, "files with problems but not named: \(invalid.subtracting(named).sorted())")
        #expect(expected.canaries.count >= 5, "the untouched examples stay valid")
        print("validate mangled: \(files.count) files, \(invalid.count) reported invalid, \(expected.canaries.count) valid, exit \(output.status)")
    }
}
