import Foundation
import Testing

/// Issue 13.7: `canary rules --for D` with a quorum across locations, checked and unit-tested by
/// promtool (`promtool test rules` on Tests/PromtoolRules/quorum.test.yml).
@Suite("canary rules: a verdict across locations")
struct RulesQuorumTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PromtoolRules").path

    @Test("the rules pass promtool check rules, and promtool test rules sees the quorum and per-location alerts at each time")
    func quorum() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["rules", Self.shipped + "/canaries", "--for", "2m"])
        #expect(output.status == 0, "\(output.stderr)")
        try output.stdout.write(toFile: folder + "/rules.yml", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.shipped + "/quorum.test.yml", toPath: folder + "/quorum.test.yml")
        let check = try await CLI.run(["check", "rules", folder + "/rules.yml"], executable: TestServers.promtool)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)\n\(output.stdout)")
        let test = try await CLI.run(["test", "rules", folder + "/quorum.test.yml"], executable: TestServers.promtool)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)\n\(output.stdout)")
    }

    @Test("a quorum larger than one location, or not a whole number, is a load error naming the place", arguments: [
        "{failing: 0}", "{failing: 1.5}", "{fail: 2}", "2",
    ])
    func invalidQuorum(locations: String) async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{alarm: {locations: \#(locations)}, steps: [{request: {url: "https://x.example/"}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["validate", folder + "/c.json"])
        #expect(output.status == 2)
        #expect(output.stdout.contains(folder + "/c.json:1:"), "\(output.stdout)")
    }
}
