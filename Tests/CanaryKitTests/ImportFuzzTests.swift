import Foundation
import Testing
@testable import CanaryKit

/// Inputs libFuzzer (scripts/fuzz-import) found once stay fixed: each is refused with an
/// ImportError, or imported into a file that loads without a problem.
@Suite("Importing fuzz regressions")
struct ImportFuzzTests {
    @Test("every input of Tests/ImportFuzzRegressions is refused or loads")
    func regressions() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/ImportFuzzRegressions"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.count >= 3)
        for name in names {
            let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            let bytes = Array(input.dropFirst())
            do {
                let canary = input.first! < 128
                    ? try CurlImport.canary(words: try ShellWords.split(String(decoding: bytes, as: UTF8.self)))
                    : try HARImport.canary(bytes: bytes, file: name)
                let text = ImportWriter.file(canary, command: "canary import", date: "2026-12-02")
                let (loaded, problems) = CanaryLoader.load(source: Array(text.utf8), file: name)
                #expect(loaded != nil && problems.isEmpty, "\(name): \(problems)")
            } catch {
                #expect(!"\(error)".isEmpty, "\(name)")
            }
        }
    }
}
