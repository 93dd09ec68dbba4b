import Foundation
import Testing

/// Mistakes in configuration are bad input, exit 2 before anything runs, never a failed run
/// that feeds the alarm state.
@Suite("canary run: configuration mistakes")
struct RunConfigMistakesTests {
    private func scratch(_ source: String) throws -> String {
        let folder = try makeTemporaryDirectory()
        try source.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        return folder
    }

    @Test("an unset {{secret.X}} or {{env.X}} is exit 2 naming the variable, and nothing is recorded", arguments: [
        ("headers: {Authorization: \"Bearer {{secret.CANARY_TEST_UNSET_TOKEN}}\"}", "CANARY_TEST_UNSET_TOKEN"),
        ("query: {user: \"{{env.CANARY_TEST_UNSET_USER}}\"}", "CANARY_TEST_UNSET_USER"),
    ])
    func unsetEnvironment(request: String, name: String) async throws {
        let folder = try scratch("{name: \"c\", steps: [{request: {url: \"{{site}}/hello.txt\", \(request)}}]}")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r"] + TestServers.varArguments)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains(name) && output.stderr.contains("not set"), "\(output.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"), "a run was recorded")
    }

    @Test("--var with an empty value is exit 2 naming it")
    func emptyVar() async throws {
        let folder = try scratch(#"{name: "c", variables: {base: "http://127.0.0.1:1"}, steps: [{request: {url: "{{base}}/x"}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", folder + "/c.json", "--var", "base=", "--results", folder + "/r"])
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("--var base") && output.stderr.contains("empty"), "\(output.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"))
    }

    @Test("a --var no selected canary uses is exit 2 with did-you-mean; --allow-unused-vars makes it a warning")
    func unusedVar() async throws {
        let folder = try scratch(#"{name: "c", variables: {base: "{{site}}"}, steps: [{request: {url: "{{base}}/hello.txt"}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let site = ["--var", "site=\(TestServers.nginx)"]
        let typo = try await CLI.run(["run", folder + "/c.json", "--var", "bsae=http://127.0.0.1:1", "--results", folder + "/r"] + site)
        #expect(typo.status == 2, "\(typo.stdout)\(typo.stderr)")
        #expect(typo.stderr.contains("--var bsae") && typo.stderr.contains("did you mean 'base'"), "\(typo.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"))
        let allowed = try await CLI.run(
            ["run", folder + "/c.json", "--var", "bsae=x", "--allow-unused-vars", "--results", folder + "/r"] + site)
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        #expect(allowed.stderr.contains("warning: --var bsae: no selected canary uses {{bsae}}; did you mean 'base'?"), "\(allowed.stderr)")
    }

    @Test("sizes take units, powers of 1024 (1KiB, 512MB, 2g); a size that is not one is exit 2 naming the forms", arguments: [
        "1.5G", "12XB", "-1k", "9999999999T", "MB",
    ])
    func sizes(bad: String) async throws {
        let folder = try scratch("{name: \"c\", steps: [{request: {url: \"{{httpbin}}/bytes/2048\"}}]}")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let refused = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "--max-bytes", bad] + TestServers.varArguments)
        #expect(refused.status == 2 && refused.stderr.contains("--max-bytes") && refused.stderr.contains("1GiB"), "\(refused.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"))
        // 1 KiB is less than the 2,048 bytes httpbin sends, 4 KiB more: the unit is applied, not ignored.
        let small = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "--max-body-bytes", "1KiB", "--max-bytes", "512MB"] + TestServers.varArguments)
        #expect(small.status == 1 && small.stdout.contains("limit of 1024 bytes"), "\(small.stdout)\(small.stderr)")
        let enough = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "--max-body-bytes", "4k", "--max-snapshot-bytes", "2kb"] + TestServers.varArguments)
        #expect(enough.status == 0, "\(enough.stdout)\(enough.stderr)")
    }
}
