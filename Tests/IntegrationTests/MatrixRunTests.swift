import Foundation
import Testing
@testable import CanaryKit

/// Issue 14, items 1 and 3: a matrix canary with a free-text name against httpbin; one entry
/// passes, one fails, and records, metrics, JUnit and folders keep them apart by their real names.
@Suite("matrix canaries with free-text names, run against httpbin")
struct MatrixRunTests {
    @Test("checkout \"eu\"[pass] passes, [fail] fails: names in records, metrics and JUnit; folders by slug; --only picks one")
    func passAndFail() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            {
              name: "checkout \\"eu\\"",
              matrix: {target: [{name: "pass", code: "200"}, {name: "fail", code: "503"}]},
              steps: [{name: "get status", request: {url: "{{httpbin}}/status/{{code}}"}, expect: {status: 200}}],
            }
            """.write(toFile: folder + "/checkout.json", atomically: true, encoding: .utf8)
        let (pass, fail) = (#"checkout "eu"[pass]"#, #"checkout "eu"[fail]"#)
        let run = try await CLI.run(
            ["run", folder + "/checkout.json", "--results", folder + "/r", "--junit", folder + "/junit.xml", "--screenshots", "none"]
                + TestServers.varArguments("httpbin"))
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let records = try ResultsReader(directory: folder + "/r").records().records
        #expect(Set(records.map(\.canary)) == [pass, fail])
        #expect(records.first { $0.canary == fail }?.passed == false && records.first { $0.canary == pass }?.passed == true)
        #expect(records.first { $0.canary == fail }?.tags["target"] == "fail")
        #expect(records.first { $0.canary == fail }?.steps.first?.name == "get status")
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_runs_total{canary="checkout \"eu\"[fail]",target="fail",result="failed"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"canary="checkout \"eu\"[pass]",target="pass""#))
        let junit = try await JUnitParsed.read(folder + "/junit.xml")
        #expect(junit.suites.map(\.name).sorted() == [fail, pass])
        #expect(junit.suites.first { $0.name == fail }?.cases.first?.name == "get status")
        // The failed run's folder: the name's slug, its snapshot the step name's slug.
        let canaryFolder = folder + "/r/" + ResultsLayout.canaryFolder(fail)
        #expect(ResultsLayout.canaryFolder(fail).hasPrefix("checkout-eu-fail-"))
        let runs = try FileManager.default.contentsOfDirectory(atPath: canaryFolder).filter { !$0.hasPrefix(".") }
        #expect(runs.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: canaryFolder + "/" + runs[0])
        #expect(files.contains(Snapshot.baseName(index: 1, step: "get status") + ".http"), "\(files)")
        // --only picks one entry by its full name.
        let only = try await CLI.run(
            ["run", folder + "/checkout.json", "--no-results", "--only", pass, "--screenshots", "none"] + TestServers.varArguments("httpbin"))
        #expect(only.status == 0 && only.stdout.contains(pass) && !only.stdout.contains(fail), "\(only.stdout)\(only.stderr)")
    }
}
