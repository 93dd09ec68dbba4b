import Foundation
import Testing
@testable import CanaryKit

private let valid = "{steps: [{request: {url: 'http://x'}}]}"

@Suite("Loading files and directories")
struct LoadingFilesTests {
    @Test("a directory loads every *.json (and *.json5) directly inside, in name order")
    func directory() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("b.json", valid)
        _ = try scratch.write("a.json", valid)
        _ = try scratch.write("notes.txt", "not a canary")
        try FileManager.default.createDirectory(atPath: scratch.path + "/sub", withIntermediateDirectories: true)
        _ = try scratch.write("sub/c.json", valid)
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.canaries.map(\.name) == ["a", "b"])
        #expect(result.canaries.first?.file == scratch.path + "/a.json")
    }

    @Test("a file named explicitly loads whatever its extension")
    func explicitFile() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("smoke.json5", valid)
        let result = CanaryLoader.load(paths: [file])
        #expect(result.canaries.map(\.name) == ["smoke"])
    }

    @Test("a missing path is a problem naming it; other paths still load")
    func missingPath() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("ok.json", valid)
        let result = CanaryLoader.load(paths: [scratch.path + "/nope.json", file])
        #expect(result.problems.map(\.description) == ["\(scratch.path)/nope.json:1:1: no such file or directory"])
        #expect(result.canaries.map(\.name) == ["ok"])
    }

    @Test("a directory without canary files is a problem")
    func emptyDirectory() throws {
        let scratch = try ScratchDirectory()
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.problems.first?.message == "the directory holds no *.json or *.json5 canary files")
    }

    @Test("the same name in two files is an error naming both files; the first one loads")
    func duplicateNames() throws {
        let scratch = try ScratchDirectory()
        let first = try scratch.write("a.json", "{name: 'shop', steps: [{request: {url: 'http://x'}}]}")
        let second = try scratch.write("b.json", "{\n  name: 'shop',\n  steps: [{request: {url: 'http://x'}}]}")
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.canaries.map(\.file) == [first])
        #expect(result.problems.map(\.description) == [
            "\(second):2:9: canary 'shop': the canary name 'shop' is already used by \(first):1:8; names must be unique (set a different \"name\")",
        ])
    }

    @Test("a default name clashing with an explicit one is reported at the start of the file")
    func duplicateDefaultName() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("a.json", "{name: 'b', steps: [{request: {url: 'http://x'}}]}")
        let second = try scratch.write("b.json", valid)
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.problems.first?.location == SourceLocation(file: second, line: 1, column: 1))
    }

    @Test("a file named twice, directly and through its directory, loads once")
    func namedTwice() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("a.json", valid)
        let result = CanaryLoader.load(paths: [scratch.path, file])
        #expect(result.problems.isEmpty)
        #expect(result.canaries.count == 1)
    }

    @Test("every problem of every file is collected; files with problems yield no canary")
    func manyFiles() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("a.json", "{retries: 99, steps: [{request: {url: 'http://x', timeout: 1}}]}")
        _ = try scratch.write("b.json", "{steps: [")
        _ = try scratch.write("c.json", valid)
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.canaries.map(\.name) == ["c"])
        #expect(result.problems.map(\.location.file) == [scratch.path + "/a.json", scratch.path + "/a.json", scratch.path + "/b.json"])
    }
}
