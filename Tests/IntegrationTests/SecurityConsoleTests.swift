import Foundation
import Testing

/// Issue 23.7: a hostile server cannot drive the terminal through `-v` or the snapshot.
@Suite("security: escape sequences from a server are shown escaped")
struct SecurityConsoleTests {
    @Test("-v shows ESC, BEL and CR from headers and body, and the snapshot from headers, as \\u001B, \\u0007, \\r")
    func escapes() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "evil", steps: [{name: "evil", request: {url: "{{hostile}}/escape"}, expect: {status: 201}}]}"#
            .write(toFile: folder + "/evil.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/evil.json", "-v", "--results", folder + "/r"] + TestServers.varArguments)
        #expect(output.status == 1)
        let raw: [UInt8] = [0x1B, 0x07, 0x0D]
        #expect(!output.stdout.utf8.contains(where: raw.contains), "raw control bytes on the console: \(output.stdout.debugDescription)")
        #expect(output.stdout.contains(#"X-Evil: a\u001B[31mred\u001B]0;title\u0007\rb"#), "\(output.stdout)")
        #expect(output.stdout.contains(#"body \u001B[2J"#) && !output.stdout.contains(#"\u{1b}"#))
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder + "/r/evil")
        // The snapshot keeps the body as received, but its head is one escaped line per header.
        let snapshot = try String(contentsOfFile: folder + "/r/evil/\(runs[0])/01-evil.http", encoding: .utf8)
        #expect(snapshot.contains(#"X-Evil: a\u001B[31mred\u001B]0;title\u0007\rb"#), "\(snapshot)")
    }
}
