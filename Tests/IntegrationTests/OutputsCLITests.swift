import CanaryKit
import Foundation
import Testing

/// Issue 4 end to end through the binary: state across invocations, events at every sink,
/// metrics accepted by promtool, and sinks that cannot hold a run up.
@Suite("canary run outputs: alarms, events, metrics, JUnit")
struct OutputsCLITests {
    @Test("four invocations failing, failing, passing, passing with 2 of 3 give ALARM after the 2nd and OK after the 4th, at every sink")
    func fourInvocations() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            {name: "flip", alarm: {evaluationPeriods: 3, datapointsToAlarm: 2},
             steps: [{name: "login", request: {url: "{{httpbin}}/status/{{code}}"}, expect: {status: 200}}]}
            """.write(toFile: folder + "/flip.json", atomically: true, encoding: .utf8)
        let program = folder + "/on-alarm.sh"
        try "#!/bin/sh\ncat >> \(folder)/program.jsonl\necho >> \(folder)/program.jsonl\n".write(toFile: program, atomically: true, encoding: .utf8)
        chmod(program, 0o755)
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        defer { receiver.stop() }

        for (code, status) in [("503", 1), ("503", 1), ("200", 0), ("200", 0)] as [(String, Int32)] {
            let output = try await CLI.run(
                ["run", folder + "/flip.json", "--results", folder + "/r", "--var", "code=\(code)",
                 "--webhook", receiver.url, "--on-alarm", program] + TestServers.varArguments)
            #expect(output.status == status, "\(output.stdout)\(output.stderr)")
        }
        // The first run's INSUFFICIENT_DATA → OK is news too (issue 24 item 14).
        let expected = ["INSUFFICIENT_DATA→OK", "OK→ALARM", "ALARM→OK"]
        let logged = EventsFiles.jsonLines(folder + "/r/events.jsonl")
        #expect(EventsFiles.transitions(logged) == expected)
        #expect(EventsFiles.transitions(receiver.received) == expected)
        #expect(EventsFiles.transitions(EventsFiles.jsonLines(folder + "/program.jsonl")) == expected)
        #expect((logged.first?["detail-type"] as? String) == "Canary Alarm State Change")
        #expect(((logged.dropFirst().first?["detail"] as? [String: Any])?["reason"] as? String) == "2 of the last 2 runs failed", "only two runs exist when the alarm fires")
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_runs_total{canary="flip",result="failed"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"canary_runs_total{canary="flip",result="passed"} 2"#))
        #expect(metrics.contains(#"canary_alarm_state{canary="flip",state="OK"} 1"#))
    }

    @Test("promtool accepts metrics.prom after a run over the examples, and its values match the run")
    func promtool() async throws {
        let results = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: results) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let output = try await CLI.run(
            ["run", root + "/canaries", "--results", results, "--cacert", TestServers.caFile, "--junit", results + "/junit.xml"] + TestServers.varArguments,
            environment: TestServers.exampleEnvironment)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: TestServers.promtool)
        check.arguments = ["check", "metrics"]
        check.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: results + "/metrics.prom"))
        let problems = Pipe()
        check.standardOutput = problems
        check.standardError = problems
        await (try launch(check)).value
        let said = String(decoding: problems.fileHandleForReading.availableData, as: UTF8.self)
        #expect(check.terminationStatus == 0, "promtool: \(said)")

        let metrics = try String(contentsOfFile: results + "/metrics.prom", encoding: .utf8)
        let lines = metrics.split(separator: "\n")
        for line in try RunLogFiles.text(results).split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let name = try #require(record["canary"] as? String)
            #expect(metrics.contains("canary_success{canary=\"\(name)\""))
            for step in record["steps"] as? [[String: Any]] ?? [] {
                let code = step["statusCode"] as? Int ?? -1
                // The canary's tags come between canary and step.
                #expect(lines.contains { $0.hasPrefix("canary_step_status_code{canary=\"\(name)\",") && $0.hasSuffix("step=\"\(step["name"] as? String ?? "")\"} \(code)") })
            }
        }
        #expect(lines.contains { $0.hasPrefix("canary_certificate_expiry_timestamp_seconds{canary=\"tls-certificate\",") && $0.contains("step=\"verified\"}") })
        let junit = try String(contentsOfFile: results + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("<testsuite name=\"api-login\""))
    }

    @Test("a webhook that accepts and never answers delays the run by no more than --sink-timeout")
    func hangingWebhook() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "down", steps: [{request: {url: "{{httpbin}}/status/500"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        let receiver = try WebhookReceiver(mode: "hang", folder: folder)
        defer { receiver.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        let output = try await CLI.run(
            ["run", folder + "/down.json", "--results", folder + "/r", "--webhook", receiver.url, "--sink-timeout", "1s", "--screenshots", "none"] + TestServers.varArguments)
        let elapsed = clock.now - started
        #expect(output.status == 1)
        #expect(output.stderr.contains("warning: webhook"), "\(output.stderr)")
        // --sink-timeout is the whole wait; the run itself takes milliseconds.
        // Before: 3 attempts of 1 s plus 0.6 s of backoff (3.6 s at least); room for a loaded machine.
        #expect(elapsed < .milliseconds(3200), "took \(elapsed)")
        #expect(EventsFiles.transitions(EventsFiles.jsonLines(folder + "/r/events.jsonl")) == ["INSUFFICIENT_DATA→ALARM"])
    }
}
