import Foundation
import Testing

/// Issue 22, item 12 (folder scan), end to end: `validate` and `run` read `*.json5` and say
/// what they skipped, without failing for it.
@Suite("Folder scan from the command line")
struct ScanSkippedCLITests {
    @Test("validate and run read *.json5 and print what a folder scan skipped; the exit code stays 0")
    func skippedIsSaid() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/canaries/more", withIntermediateDirectories: true)
        let canary = #"{steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
        try canary.write(toFile: folder + "/canaries/a.json", atomically: true, encoding: .utf8)
        try canary.write(toFile: folder + "/canaries/b.json5", atomically: true, encoding: .utf8)
        try canary.write(toFile: folder + "/canaries/more/c.json", atomically: true, encoding: .utf8)
        try "notes".write(toFile: folder + "/canaries/README.md", atomically: true, encoding: .utf8)

        let validate = try await CLI.run(["validate", "canaries"] + TestServers.varArguments, currentDirectory: folder)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        #expect(validate.stdout.contains("2 canaries valid"), "\(validate.stdout)")
        #expect(validate.stdout.contains("skipped: canaries/README.md: not a canary file"), "\(validate.stdout)")
        #expect(validate.stdout.contains("skipped: canaries/more: a folder"), "\(validate.stdout)")

        let run = try await CLI.run(["run", "canaries"] + TestServers.varArguments, currentDirectory: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("✓ b"), "\(run.stdout)")
        #expect(run.stderr.contains("skipped: canaries/more: a folder"), "\(run.stderr)")
    }
}
