@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// Metrics of runners in several locations, and of canaries that have not run yet, through the
/// built binary and the real Pushgateway.
@Suite("metrics: locations and never-run canaries")
struct MetricsLocationCLITests {
    private func pushgatewaySamples() async throws -> [MetricsPushgatewayTests.Sample] {
        MetricsPushgatewayTests.parse(try await MetricsPushgatewayTests().get(TestServers.pushgateway + "/metrics"))
    }

    @Test("two --location runners of one canary keep two Pushgateway groups: eu-west-1's ALARM survives us-east-1's OK")
    func twoLocations() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let name = "located-\(MetricsPushgatewayTests.suffix)"
        try #"{name: "\#(name)", steps: [{request: {url: "{{httpbin}}/status/{{code}}"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        for (location, code) in [("eu-west-1", "503"), ("us-east-1", "200")] {
            _ = try await CLI.run(["run", folder + "/c.json", "--results", "\(folder)/\(location)", "--location", location,
                                   "--pushgateway", TestServers.pushgateway, "--var", "code=\(code)"] + TestServers.varArguments)
        }
        let own = try await pushgatewaySamples().filter { $0.labels["canary"] == name }
        let gateway = Pushgateway(url: TestServers.pushgateway, engine: TestServers.engine)
        for location in ["eu-west-1", "us-east-1"] {
            await MetricsPushgatewayTests().delete(gateway.groupURL(for: name, location: location))
        }
        let alarm = own.first { $0.name == "canary_alarm_state" && $0.labels["location"] == "eu-west-1" && $0.labels["state"] == "ALARM" }
        let ok = own.first { $0.name == "canary_alarm_state" && $0.labels["location"] == "us-east-1" && $0.labels["state"] == "OK" }
        #expect(alarm?.value == "1", "\(own)")
        #expect(ok?.value == "1")
        // The location is on every family, not only canary_success.
        #expect(own.filter { $0.name == "canary_runs_total" }.allSatisfy { $0.labels["location"] != nil })
        #expect(own.contains { $0.name == "canary_duration_seconds" && $0.labels["location"] == "eu-west-1" })
    }

    @Test("canary schedule: a canary that has not run yet is INSUFFICIENT_DATA in metrics.prom and the Pushgateway from the first flush")
    func neverRun() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let waiting = "waiting-\(MetricsPushgatewayTests.suffix)", running = "running-\(MetricsPushgatewayTests.suffix)"
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        // 03:07 on 1 January: never due while the test runs.
        try #"{name: "\#(waiting)", schedule: "cron(7 3 1 1 *)", tags: {team: "web"}, steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/c/waiting.json", atomically: true, encoding: .utf8)
        try #"{name: "\#(running)", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/c/running.json", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["schedule", folder + "/c", "--results", folder + "/r", "--pushgateway", TestServers.pushgateway] + TestServers.varArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited = try launch(process)
        let series = #"canary_alarm_state{canary="\#(waiting)",team="web",state="INSUFFICIENT_DATA"} 1"#
        let deadline = ContinuousClock.now + .seconds(15)
        var text = ""
        while !text.contains(series), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            text = (try? String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)) ?? ""
        }
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        #expect(text.contains(series), "\(text)")
        let pushed = try await pushgatewaySamples()
        let gateway = Pushgateway(url: TestServers.pushgateway, engine: TestServers.engine)
        for name in [waiting, running] { await MetricsPushgatewayTests().delete(gateway.groupURL(for: name)) }
        #expect(pushed.contains {
            $0.name == "canary_alarm_state" && $0.labels["canary"] == waiting && $0.labels["state"] == "INSUFFICIENT_DATA" && $0.value == "1"
        })
    }

    @Test("--location wins over a location tag in the canary file: records and metrics say where the runner is")
    func flagWinsOverTag() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "tagged", tags: {location: "from-file", team: "web"}, steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "--location", "eu-west-1"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stderr)")
        let record = EventsFiles.runRecords(folder + "/r").first
        #expect((record?["tags"] as? [String: String]) == ["location": "eu-west-1", "team": "web"])
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_success{canary="tagged",location="eu-west-1",team="web"} 1"#), "\(metrics)")
    }
}
