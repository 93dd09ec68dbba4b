import Foundation
import Testing
@testable import CanaryKit

private let valid = "{steps: [{request: {url: 'http://x'}}]}"

/// Issue 22, item 12 (the folder scan): `*.json5` files are canaries too, and what a folder
/// scan leaves out is said, not silently dropped.
@Suite("Loading: what a folder scan reads and skips")
struct LoadingScanTests {
    @Test("a folder loads *.json and *.json5 files, and lists the subfolders and other files it skipped")
    func scan() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("b.json5", valid)
        _ = try scratch.write("a.json", valid)
        _ = try scratch.write("notes.txt", "not a canary")
        _ = try scratch.write(".a.json.swp", "editor swap file")
        try FileManager.default.createDirectory(atPath: scratch.path + "/sub", withIntermediateDirectories: true)
        _ = try scratch.write("sub/c.json", valid)
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.canaries.map(\.name) == ["a", "b"])
        #expect(result.skipped == [
            "\(scratch.path)/notes.txt: not a canary file (only *.json and *.json5 are read)",
            "\(scratch.path)/sub: a folder (folders are not searched; name it to load its files)",
        ])
    }

    @Test("a folder with only skipped entries is a problem that says what it holds")
    func nothingToLoad() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("canary.yaml", valid)
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.problems.first?.message == "the directory holds no *.json or *.json5 canary files")
        #expect(result.skipped.count == 1)
    }

    @Test("a .json5 file's canary is named without its extension")
    func json5Name() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("smoke.json5", valid)
        #expect(CanaryLoader.load(paths: [file]).canaries.map(\.name) == ["smoke"])
    }
}
