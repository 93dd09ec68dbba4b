import Foundation
import CurlEngine
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
        #expect(result.problems.map(\.description) == ["\(scratch.path)/nope.json: no such file or directory; check the path"])
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
        // Spelled with `.`, `..` and doubled slashes, and relative to the working directory.
        let relative = String(file.dropFirst()).replacingOccurrences(of: "/a.json", with: "/./sub/..//a.json")
        try FileManager.default.createDirectory(atPath: scratch.path + "/sub", withIntermediateDirectories: true)
        let spelled = CanaryLoader.load(paths: [file, String(repeating: "../", count: 40) + relative, scratch.path + "//"])
        #expect(spelled.problems.isEmpty)
        #expect(spelled.canaries.count == 1)
    }

    @Test("paths are tidied on the text alone for telling two spellings of one file apart")
    func tidiedPaths() {
        #expect(LocalPath.tidied("/a/./b//c/../d.json", against: "/w") == "/a/b/d.json")
        #expect(LocalPath.tidied("x.json", against: "/w/v") == "/w/v/x.json")
        #expect(LocalPath.tidied("../x.json", against: "/w/v") == "/w/x.json")
        #expect(LocalPath.tidied("/../../x", against: "/") == "/x")
        #expect(LocalPath.tidied("/", against: "/w") == "/")
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

/// Issue 24 item 2: on a reload, the file that held a canary name keeps it.
@Suite("Loading: who keeps a duplicate canary name")
struct LoadingNameHolderTests {
    private let dup = "{name: 'dup', steps: [{request: {url: 'http://x'}}]}"

    @Test("without holders (at start) the first file in path order keeps the name; the other is a problem naming both")
    func pathOrder() throws {
        let scratch = try ScratchDirectory()
        let first = try scratch.write("0.json", dup)
        let second = try scratch.write("a.json", dup)
        let result = CanaryLoader.load(paths: [scratch.path])
        #expect(result.canaries.map(\.file) == [first])
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.location.file == second)
        #expect(result.problems.first?.message.contains("already used by \(first):1:") == true, "\(result.problems)")
    }

    @Test("the holder keeps the name against a file earlier in path order, and while it is broken (its last good version runs on)")
    func holderWins() throws {
        let scratch = try ScratchDirectory()
        let newcomer = try scratch.write("0.json", dup)
        let holder = try scratch.write("a.json", dup)
        let kept = CanaryLoader.load(paths: [scratch.path], nameHolders: ["dup": holder])
        #expect(kept.canaries.map(\.file) == [holder])
        #expect(kept.problems.map(\.location.file) == [newcomer])
        #expect(kept.problems.first?.message.contains("already used by \(holder):1:") == true, "\(kept.problems)")

        _ = try scratch.write("a.json", "{name: 'dup', steps: [")
        let broken = CanaryLoader.load(paths: [scratch.path], nameHolders: ["dup": holder])
        #expect(broken.canaries.isEmpty)
        #expect(broken.problems.contains { $0.location.file == newcomer && $0.message.contains("already used by \(holder)") }, "\(broken.problems)")
    }

    @Test("a holder that now declares another name, or is gone, gives its name up")
    func holderLetsGo() throws {
        let scratch = try ScratchDirectory()
        let newcomer = try scratch.write("0.json", dup)
        let holder = try scratch.write("a.json", "{name: 'other', steps: [{request: {url: 'http://x'}}]}")
        let renamed = CanaryLoader.load(paths: [scratch.path], nameHolders: ["dup": holder])
        #expect(renamed.problems.isEmpty, "\(renamed.problems)")
        #expect(Set(renamed.canaries.map(\.name)) == ["dup", "other"])
        try FileManager.default.removeItem(atPath: holder)
        let gone = CanaryLoader.load(paths: [scratch.path], nameHolders: ["dup": holder])
        #expect(gone.canaries.map(\.file) == [newcomer])
    }
}

@Suite("Credentials: names that look like credentials")
struct CredentialNameTests {
    @Test("header and variable names with a credential word in any case; Unicode names upper-cased as before")
    func names() {
        for name in ["X-Api-Key", "db_password", "MY_API_TOKEN", "Authorization", "client-secret", "passwd", "Credentials", "keyboard", "paſſword"] {
            #expect(Credentials.looksLikeCredential(name), "\(name)")
        }
        for name in ["host", "traceparent", "Connection", "", "ke", "tok-en", "pässword"] {
            #expect(!Credentials.looksLikeCredential(name), "\(name)")
        }
    }
}

@Suite("URLs: where the scheme ends")
struct SchemeSeparatorTests {
    @Test("the first :// is found by its bytes, as range(of:) found it")
    func separator() {
        for url in ["http://x", "https://u:p@h/a://b", "a:://b", "::/x://", "no scheme", "", "://", "x:/y", "é://ü"] {
            let expected = url.range(of: "://")
            #expect(url.schemeSeparator == expected, "\(url)")
        }
    }
}
