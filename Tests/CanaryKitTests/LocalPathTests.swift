import Foundation
import Testing
@testable import CanaryKit

private let long = String(repeating: "abcdefghi/", count: 400)  // 4,000 bytes

@Suite("Paths people give, handled as text")
struct LocalPathTests {
    @Test("parent, last component and join of awkward paths", arguments: [
        // path, parent, last component, joined with "x"
        ("r", ".", "r", "r/x"),
        ("r/", ".", "r", "r/x"),
        ("./r", ".", "r", "./r/x"),
        ("/", "/", "/", "/x"),
        ("//x", "/", "x", "//x/x"),
        ("..", ".", "..", "../x"),
        ("~", ".", "~", "~/x"),
        ("a/b//", "a", "b", "a/b//x"),
        ("a//b", "a", "b", "a//b/x"),
        ("with space/in it", "with space", "in it", "with space/in it/x"),
        ("new\nline/f", "new\nline", "f", "new\nline/f/x"),
        ("résumé/日本", "résumé", "日本", "résumé/日本/x"),
        ("", ".", "", "x"),
        (long + "end", String(long.dropLast()), "end", long + "end/x"),
    ])
    func table(path: String, parent: String, last: String, joined: String) {
        #expect(LocalPath.parent(of: path) == parent)
        #expect(LocalPath.lastComponent(of: path) == last)
        #expect(LocalPath.join(path, "x") == joined)
    }

    @Test("absolute against the working directory, without tidying . and ..", arguments: [
        ("r", "/w/r"), ("./r", "/w/./r"), ("..", "/w/.."), ("/abs", "/abs"), ("~", "/w/~"),
    ])
    func absolute(path: String, expected: String) {
        #expect(LocalPath.absolute(path, against: "/w") == expected)
        #expect(LocalPath.absolute(path, against: "/") == (path.hasPrefix("/") ? path : "/" + path))
    }

    @Test("the working directory is absolute")
    func workingDirectory() throws {
        let cwd = try #require(LocalPath.workingDirectory())
        #expect(cwd.hasPrefix("/"))
        #expect(cwd == FileManager.default.currentDirectoryPath)
    }

    @Test("mkdir -p through a symlink makes the folders in the link's target")
    func throughSymlink() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: scratch.path + "/real")
        try FileIO.makeDirectory(scratch.path + "/link/a/b")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/real/a/b", isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(LocalPath.parent(of: scratch.path + "/link/a") == scratch.path + "/link")
    }

    @Test("a name longer than the file system allows is an error that names it, not a crash")
    func tooLong() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/" + String(repeating: "n", count: 300) + "/" + long
        let error = try #require(throws: RecordingError.self) { try FileIO.makeDirectory(path) }
        #expect(error.description.contains(String(repeating: "n", count: 300)))
        #expect(error.description.contains("shorter"))
    }
}
