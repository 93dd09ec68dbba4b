import Foundation
import Testing

/// Mistakes in how canary is called are exit 2 with a message before anything runs: a selection
/// that matches nothing is not a green run, a bad --cacert is not an outage.
@Suite("canary run: checks at start")
struct RunStartChecksTests {
    private func scratch() throws -> String {
        let folder = try makeTemporaryDirectory()
        try #"{name: "web", tags: {team: "web"}, steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/web.json", atomically: true, encoding: .utf8)
        return folder
    }

    @Test("a --tag that matches nothing is exit 2 saying so, and nothing is recorded")
    func tagMatchesNothing() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", folder + "/web.json", "--tag", "team=wbe", "--results", folder + "/r"] + TestServers.varArguments)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("no canary") && output.stderr.contains("--tag team=wbe"), "\(output.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"))
    }

    @Test("of --shard 1/2 and 2/2 over one canary, the one that selects nothing is exit 2")
    func shardSelectsNothing() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var statuses: [Int32] = []
        for shard in ["1/2", "2/2"] {
            let output = try await CLI.run(["run", folder + "/web.json", "--shard", shard, "--results", folder + "/r"] + TestServers.varArguments)
            statuses.append(output.status)
            if output.status == 2 { #expect(output.stderr.contains("--shard \(shard)"), "\(output.stderr)") }
        }
        #expect(statuses.sorted() == [0, 2])
    }

    @Test("a --cacert that is missing or not PEM is exit 2 naming the file, and no canary runs", arguments: ["missing", "not-pem"])
    func badCACert(kind: String) async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ca = folder + "/ca.pem"
        if kind == "not-pem" { try "just text\n".write(toFile: ca, atomically: true, encoding: .utf8) }
        let output = try await CLI.run(["run", folder + "/web.json", "--cacert", ca, "--results", folder + "/r"] + TestServers.varArguments)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("--cacert \(ca)"), "\(output.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"), "a canary ran and was recorded")
    }
}
