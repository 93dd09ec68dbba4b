import Foundation
import Testing

/// Issue 24 item 4: runs missed while nothing ran them (the daemon stopped, a cron job that
/// stopped) are missing data: on start, and on each `canary run`, a canary whose last run is
/// older than two due times of its schedule goes to INSUFFICIENT_DATA; `canary rules` gives
/// Prometheus the staleness alert for when nothing runs at all.
@Suite("missed runs while stopped")
struct MissedWhileStoppedTests {
    private func write(_ folder: String, _ files: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(folder)/c/\(name).json", atomically: true, encoding: .utf8) }
    }

    private func events(_ folder: String) throws -> [(canary: String, state: String, reason: String)] {
        let text = (try? String(contentsOfFile: folder + "/r/events.jsonl", encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let detail = try #require(event["detail"] as? [String: Any])
            return (detail["canary"] as? String ?? "", detail["state"] as? String ?? "", detail["reason"] as? String ?? "")
        }
    }

    private static let files = [
        "ticking": #"{name: "ticking", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#,
        "manual": #"{name: "manual", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#,
    ]

    @Test("canary run after two missed due times (3.3 s on rate(1 second): the third is this run's): the scheduled canary goes OK → INSUFFICIENT_DATA → OK; one without a schedule never does")
    func cronGap() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write(folder, Self.files)
        let arguments = ["run", folder + "/c", "--results", folder + "/r"] + TestServers.varArguments
        #expect(try await CLI.run(arguments).status == 0)
        try await Task.sleep(for: .milliseconds(3300))
        let second = try await CLI.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        let ticking = try events(folder).filter { $0.canary == "ticking" }
        #expect(ticking.map(\.state) == ["OK", "INSUFFICIENT_DATA", "OK"], "\(ticking)")
        #expect(ticking.dropFirst().first?.reason.contains("scheduled runs while nothing ran the canary") == true, "\(ticking)")
        #expect(try events(folder).filter { $0.canary == "manual" }.map(\.state) == ["OK"])
    }

    @Test("canary schedule started after a downtime of two due times marks the canary INSUFFICIENT_DATA before its first run, and logs it")
    func daemonDowntime() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write(folder, ["ticking": Self.files["ticking"]!])
        #expect(try await CLI.run(["run", folder + "/c", "--results", folder + "/r"] + TestServers.varArguments).status == 0)
        try await Task.sleep(for: .milliseconds(3300))
        let (process, exited) = try CLI.startSchedule([folder + "/c"], folder: folder, stderrApart: true)
        try await Task.sleep(for: .milliseconds(1500))
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(try events(folder).map(\.state) == ["OK", "INSUFFICIENT_DATA", "OK"], "\(log)")
        #expect(log.contains("missed ticking: missed"), "\(log)")
    }

    @Test("canary rules: an ALARM rule and a staleness rule per schedule that promtool accepts and that fires when no run came for two intervals")
    func rules() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write(folder, [
            "a.b": #"{schedule: "rate(1 minute)", timeout: "5s", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#,
            "hourly": #"{schedule: "cron(0 * * * *)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#,
            "manual": Self.files["manual"]!,
        ])
        let output = try await CLI.run(["rules", folder + "/c"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stderr)")
        try output.stdout.write(toFile: folder + "/rules.yml", atomically: true, encoding: .utf8)
        #expect(output.stdout.contains("canary_last_run_timestamp_seconds"), "\(output.stdout)")
        #expect(!output.stdout.contains("manual"), "\(output.stdout)")
        let check = try await promtool(["check", "rules", folder + "/rules.yml"])
        #expect(check.status == 0, "\(check.output)\n\(output.stdout)")
        // a.b (rate(1 minute), 5 s timeout) stale after 2 × 60 + 5 s; its last run at 0 s.
        let test = """
            rule_files: [rules.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'canary_last_run_timestamp_seconds{canary="a.b"}'
                    values: '0x10'
                  - series: 'canary_last_run_timestamp_seconds{canary="aXb"}'
                    values: '0x10'
                alert_rule_test:
                  - eval_time: 2m
                    alertname: CanaryStale
                    exp_alerts: []
                  - eval_time: 3m
                    alertname: CanaryStale
                    exp_alerts:
                      - exp_labels: {canary: a.b, severity: page}
                        exp_annotations:
                          summary: "canary a.b has not run for 2 of its scheduled intervals"
                          description: "no run of canary a.b has ended for more than 125 seconds: the runner is stopped or stuck"
            """
        try test.write(toFile: folder + "/test.yml", atomically: true, encoding: .utf8)
        let fired = try await promtool(["test", "rules", folder + "/test.yml"])
        #expect(fired.status == 0, "\(fired.output)\n\(output.stdout)")
    }

    private func promtool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let output = try await CLI.run(arguments, executable: TestServers.promtool)
        return (output.status, output.stdout + output.stderr)
    }
}
