import Foundation
import Testing

/// Issue 23 item 11: every hop of a followed redirect is shown by `-v` (scheme and full URL of
/// each request, each response's status) and is its own entry in run.har, which pairs each URL
/// with its own response; `-v` shows each step's per-phase timings.
@Suite("redirect hops in -v and run.har")
struct RedirectHopsTests {
    @Test("/redirect/2 is three requests: -v shows each with its URL and status, run.har has three entries")
    func hops() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "hops", steps: [{name: "follow", request: {url: "{{httpbin}}/redirect/2"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/hops.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/hops.json", "--results", folder + "/r", "--artifacts", "all", "-v"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let base = TestServers.httpbin
        let verbose = output.stdout
        let urls = ["\(base)/redirect/2", "\(base)/relative-redirect/1", "\(base)/get"]
        var position = verbose.startIndex
        for url in urls {
            let line = "  * GET \(url)"
            guard let found = verbose.range(of: line, range: position..<verbose.endIndex) else {
                Issue.record("-v lacks '\(line)' (in order): \(verbose)")
                break
            }
            position = found.upperBound
        }
        #expect(verbose.components(separatedBy: "  < HTTP/1.1 302 FOUND").count - 1 == 2, "\(verbose)")
        #expect(verbose.contains("  * timings: dns "), "\(verbose)")

        let runs = try FileManager.default.contentsOfDirectory(atPath: folder + "/r/hops").filter { !$0.hasPrefix(".") }.sorted()
        let har = try Data(contentsOf: URL(fileURLWithPath: folder + "/r/hops/\(try #require(runs.last))/run.har"))
        #expect(HARValidator.problems(har, expectedEntries: 3).isEmpty, "\(HARValidator.problems(har, expectedEntries: 3))")
        let log = try #require((try JSONSerialization.jsonObject(with: har) as? [String: Any])?["log"] as? [String: Any])
        let entries = try #require(log["entries"] as? [[String: Any]])
        #expect(entries.compactMap { ($0["request"] as? [String: Any])?["url"] as? String } == urls)
        #expect(entries.compactMap { ($0["response"] as? [String: Any])?["status"] as? Int } == [302, 302, 200])
        #expect(entries.compactMap { ($0["response"] as? [String: Any])?["redirectURL"] as? String } == ["/relative-redirect/1", "/get", ""])
    }
}
