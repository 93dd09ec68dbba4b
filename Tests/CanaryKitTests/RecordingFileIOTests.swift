import Foundation
import Testing
@testable import CanaryKit

/// Append-only logs keep whole lines: a torn last line is repaired on open, and a write that a
/// full disk cuts short is taken back.
@Suite("Recording logs stay whole lines")
struct RecordingFileIOTests {
    @Test("opening a log whose last line was torn by a crash cuts it off; whole lines stay", arguments: [
        ("{\"a\":1}\n{\"b\":2}\n{\"c\":", "{\"a\":1}\n{\"b\":2}\n"),
        ("{\"torn", ""),
        ("{\"a\":1}\n", "{\"a\":1}\n"),
        ("", ""),
    ])
    func tornLastLine(before: String, after: String) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("runs.jsonl", before)
        let fd = try FileIO.openLog(path)
        try FileIO.append(Array("{\"d\":4}\n".utf8), to: fd, path: path, durable: false)
        close(fd)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == after + "{\"d\":4}\n")
    }

    @Test("a torn line longer than the read chunk is cut back to the last newline")
    func longTornLine() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("runs.jsonl", "{\"a\":1}\n{\"long\":\"" + String(repeating: "x", count: 200_000))
        close(try FileIO.openLog(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"a\":1}\n")
    }

    @Test("a line that a full disk takes only part of is removed again, and the error says no space")
    func fullDiskAppend() throws {
        guard getuid() == 0 else {
            print("skipped: mounting a small tmpfs to fill needs root")
            return
        }
        let scratch = try ScratchDirectory()
        let disk = scratch.path + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        guard mount("tmpfs", disk, "tmpfs", 0, "size=64k") == 0 else {
            Issue.record("mount tmpfs on \(disk): \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(disk, Int32(MNT_DETACH)) }
        let path = disk + "/runs.jsonl"
        let fd = try FileIO.openLog(path)
        defer { close(fd) }
        let first = Array("{\"first\":true}\n".utf8)
        try FileIO.append(first, to: fd, path: path)
        // Fill every other page, so the log's own page has room for a part of the next line only.
        let filler = open(disk + "/filler", O_WRONLY | O_CREAT, 0o644)
        let page = [UInt8](repeating: 0, count: 4096)
        while write(filler, page, page.count) > 0 {}
        close(filler)
        let long = Array(("{\"long\":\"" + String(repeating: "x", count: 20_000) + "\"}\n").utf8)
        #expect {
            try FileIO.append(long, to: fd, path: path)
        } throws: { error in
            "\(error)" == "cannot write \(path): No space left on device; free space on that disk, or pass --results with a folder on another disk"
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(first))
    }
}
