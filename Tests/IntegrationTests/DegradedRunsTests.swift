import Foundation
import Testing

/// Issue 13.3: a `warn` block beside `expect`; a run that meets every expect but not every warn
/// is degraded, everywhere a run is shown.
@Suite("degraded runs: warn checks")
struct DegradedRunsTests {
    @Test("a missed warn check: exit 0, ⚠ on the console, degraded in the record, canary_degraded 1, a JUnit property, a report mark; degradedFails turns it into ALARM")
    func degraded() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "slowish", steps: [{name: "get", request: {url: "{{httpbin}}/get"}, expect: {status: 200}, warn: {status: 201, json: {"$.url": {contains: "/get"}}}}]}"#
            .write(toFile: folder + "/slowish.json", atomically: true, encoding: .utf8)
        try #"{name: "strict", alarm: {degradedFails: true}, steps: [{name: "get", request: {url: "{{httpbin}}/get"}, warn: {size: {lt: 10}}}]}"#
            .write(toFile: folder + "/strict.json", atomically: true, encoding: .utf8)
        try #"{name: "fine", steps: [{request: {url: "{{httpbin}}/get"}, warn: {status: 200}}]}"#
            .write(toFile: folder + "/fine.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder, "--results", folder + "/r", "--junit", folder + "/junit.xml"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("⚠ slowish "), "\(output.stdout)")
        #expect(output.stdout.contains("degraded: get › status: expected 201, got 200"), "\(output.stdout)")
        #expect(output.stdout.contains("✓ fine "), "\(output.stdout)")

        let records = EventsFiles.runRecords(folder + "/r")
        let slowish = try #require(records.first { $0["canary"] as? String == "slowish" })
        #expect(slowish["passed"] as? Bool == true && slowish["degraded"] as? Bool == true)
        let warnings = (slowish["steps"] as? [[String: Any]])?.first?["warnings"] as? [[String: Any]]
        #expect(warnings?.count == 1, "only the missed check is listed: \(warnings ?? [])")
        #expect(records.first { $0["canary"] as? String == "fine" }?["degraded"] == nil)

        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_degraded{canary="slowish"} 1"#))
        #expect(metrics.contains(#"canary_degraded{canary="fine"} 0"#))
        #expect(metrics.contains(#"canary_success{canary="slowish"} 1"#))
        // degradedFails: the degraded run is a failing datapoint; without it, OK.
        #expect(metrics.contains(#"canary_alarm_state{canary="strict",state="ALARM"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"canary_alarm_state{canary="slowish",state="OK"} 1"#))

        let junit = try String(contentsOfFile: folder + "/junit.xml", encoding: .utf8)
        #expect(junit.contains(#"<property name="degraded" value="status: expected 201, got 200"/>"#), "\(junit)")
        #expect(!junit.contains("<failure"))

        let report = try await CLI.run(["report", "--results", folder + "/r", "-o", folder + "/report.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.contains("badge degraded") && html.contains("last run degraded"))
    }
}
