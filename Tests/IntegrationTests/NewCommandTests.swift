import Foundation
import Testing

/// Issue 14 item 4: `canary new NAME URL [-o FILE]`, the fastest start.
@Suite("canary new")
struct NewCommandTests {
    @Test("an http canary: written to -o, valid, and it passes against httpbin")
    func http() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/probe.json"
        let made = try await CLI.run(["new", "probe", TestServers.httpbin + "/get", "-o", file])
        #expect(made.status == 0 && made.stdout.isEmpty, "\(made.stderr)")
        #expect(made.stderr.contains("wrote \(file); check it with `canary validate \(file)`"))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("// probe: written by `canary new` on "))
        #expect(text.contains("status: 200") && text.contains(#"duration: {lt: "2s"}"#) && !text.contains("certificate"), "\(text)")
        #expect(try await CLI.run(["validate", file]).status == 0)
        let run = try await CLI.run(["run", file, "--results", folder + "/r", "--screenshots", "none"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let again = try await CLI.run(["new", "probe", TestServers.httpbin + "/get", "-o", file])
        #expect(again.status == 2 && again.stderr.contains("new: \(file): exists already; choose another path or remove it"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text, "never overwritten")
    }

    @Test("an https canary on stdout asserts the certificate, and passes against nginx's TLS")
    func https() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let made = try await CLI.run(["new", "site", TestServers.nginxTLS + "/hello.txt"])
        #expect(made.status == 0)
        #expect(made.stdout.contains(#"certificate: {expiresIn: {gt: "14d"}}"#), "\(made.stdout)")
        try made.stdout.write(toFile: folder + "/site.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder + "/site.json", "--results", folder + "/r", "--cacert", TestServers.caFile, "--screenshots", "none"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test("what it refuses, with the fix", arguments: [
        (["new", "bad\u{7}name", "http://127.0.0.1/"], "new: canary name 'bad\\u0007name' holds U+0007 (a control character)"),
        (["new", "a", "ftp://127.0.0.1/"], "new: 'ftp://127.0.0.1/' is not an http:// or https:// URL"),
        (["new", "a"], "new: give a name and a URL, e.g. `canary new checkout"),
        (["new", "a", "http://127.0.0.1/", "--outptu", "x"], "new: unknown option '--outptu'; did you mean '--output'?"),
    ])
    func refused(arguments: [String], message: String) async throws {
        let output = try await CLI.run(arguments)
        #expect(output.status == 2 && output.stderr.contains(message), "\(output.stderr)")
    }
}
