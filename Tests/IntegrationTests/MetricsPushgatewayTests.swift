@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// Pushes to the real Pushgateway started by scripts/test-servers.sh and reads back its /metrics.
@Suite("Metrics pushed to a Pushgateway")
struct MetricsPushgatewayTests {
    /// One sample of the Pushgateway's exposition: name, labels, value as text.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: String
    }

    /// Names unique to this test run, so that concurrent runs against one Pushgateway don't mix.
    static let suffix = String(UUID().uuidString.prefix(8)).lowercased()

    func get(_ url: String) async throws -> String {
        let session = TestServers.engine.makeSession()
        defer { TestServers.engine.close(session) }
        let response = try await TestServers.engine.perform(HTTPRequest(url: url, timeout: .seconds(5)), in: session)
        #expect(response.statusCode == 200)
        return String(decoding: response.body, as: UTF8.self)
    }

    func delete(_ url: String) async {
        let session = TestServers.engine.makeSession()
        defer { TestServers.engine.close(session) }
        _ = try? await TestServers.engine.perform(HTTPRequest(method: "DELETE", url: url, timeout: .seconds(5)), in: session)
    }

    /// Parses `name{a="x",b="y"} value` lines, undoing the escapes of label values.
    static func parse(_ text: String) -> [Sample] {
        text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#") else { return nil }
            var rest = Substring(line)
            let name = String(rest.prefix { $0 != "{" && $0 != " " })
            rest = rest.dropFirst(name.count)
            var labels: [String: String] = [:]
            if rest.first == "{" {
                rest = rest.dropFirst()
                while rest.first != "}" {
                    let label = String(rest.prefix { $0 != "=" })
                    rest = rest.dropFirst(label.count + 2)
                    var value = ""
                    while let c = rest.first, c != "\"" {
                        rest = rest.dropFirst()
                        if c == "\\", let next = rest.first {
                            rest = rest.dropFirst()
                            value.append(next == "n" ? "\n" : next)
                        } else {
                            value.append(c)
                        }
                    }
                    rest = rest.dropFirst()
                    if rest.first == "," { rest = rest.dropFirst() }
                    labels[label] = value
                }
                rest = rest.dropFirst()
            }
            return Sample(name: name, labels: labels, value: rest.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test("two canaries pushed land in their own groups with the right values")
    func pushTwoCanaries() async throws {
        var first = MetricsSamples.passing
        first.canary = "push-ok-\(Self.suffix)"
        var second = MetricsSamples.failing
        second.canary = "push-bad-\(Self.suffix)"
        second.tags = ["team-name": "web \"core\"", "job": "not-the-job"]
        let gateway = Pushgateway(url: TestServers.pushgateway + "/", engine: TestServers.engine)
        for metrics in [first, second] {
            let problem = await gateway.push(metrics)
            #expect(problem == nil)
        }
        let samples = Self.parse(try await get(TestServers.pushgateway + "/metrics"))
        for name in [first.canary, second.canary] { await delete(gateway.groupURL(for: name)) }
        func value(_ name: String, _ labels: [String: String], _ extra: [String: String] = [:]) -> String? {
            let wanted = labels.merging(extra) { old, _ in old }
            return samples.first { sample in
                sample.name == name && wanted.allSatisfy { sample.labels[$0.key] == $0.value }
            }?.value
        }
        for canary in [first.canary, second.canary] {
            let own = samples.filter { $0.labels["canary"] == canary }
            #expect(own.allSatisfy { $0.labels["job"] == "canary" && $0.labels["instance"] == "" })
        }
        let ok = ["canary": first.canary, "job": "canary"], bad = ["canary": second.canary, "job": "canary"]
        #expect(value("canary_success", ok, ["env": "prod"]) == "1")
        #expect(value("canary_success", bad, ["team_name": "web \"core\"", "tag_job": "not-the-job"]) == "0")
        #expect(value("canary_duration_seconds", ok) == "1.25")
        #expect(value("canary_step_duration_seconds", ok, ["step": "home"]) == "0.02675")
        #expect(value("canary_step_phase_seconds", ok, ["step": "home", "phase": "connect"]) == "0.00125")
        #expect(value("canary_step_status_code", bad, ["step": "login"]) == "503")
        #expect(value("canary_step_status_code", bad, ["step": "next"]) == "0")
        // A skipped step keeps its series, NaN: it has no duration.
        #expect(value("canary_step_duration_seconds", bad, ["step": "next"]) == "NaN")
        #expect(value("canary_runs_total", bad, ["result": "failed"]) == "5")
        #expect(value("canary_runs_total", bad, ["result": "passed"]) == "0")
        #expect(value("canary_last_run_timestamp_seconds", ok) == "1.79535772125e+09")
        #expect(value("canary_certificate_expiry_timestamp_seconds", ok, ["step": "home"]) == "1.7987616e+09")
        #expect(value("canary_alarm_state", bad, ["state": "ALARM"]) == "1")
        #expect(value("canary_alarm_state", bad, ["state": "OK"]) == "0")
        // The Pushgateway records each group's last successful push.
        #expect(value("push_time_seconds", ok) != nil && value("push_time_seconds", bad) != nil)
    }

    @Test("a push replaces the canary's group: metrics of an older push are gone")
    func pushReplaces() async throws {
        var metrics = MetricsSamples.failing
        metrics.canary = "push-replace-\(Self.suffix)"
        let gateway = Pushgateway(url: TestServers.pushgateway, engine: TestServers.engine)
        #expect(await gateway.push(metrics) == nil)
        metrics.last?.steps = [MetricsSamples.step("renamed")]
        #expect(await gateway.push(metrics) == nil)
        let own = Self.parse(try await get(TestServers.pushgateway + "/metrics")).filter { $0.labels["canary"] == metrics.canary }
        #expect(own.contains { $0.labels["step"] == "renamed" })
        #expect(!own.contains { $0.labels["step"] == "login" })
        await delete(gateway.groupURL(for: metrics.canary))
    }

    @Test("a failing push returns a message naming the URL and the cause, and does not throw")
    func failingPush() async {
        let closed = Pushgateway(url: "http://127.0.0.1:\(TestServers.closedPort)", engine: TestServers.engine, timeout: .seconds(2))
        let refused = await closed.push(MetricsSamples.passing)
        #expect(refused?.contains("http://127.0.0.1:\(TestServers.closedPort)/metrics/job/canary/canary/passing") == true)
        #expect(refused?.contains("connectionRefused") == true)

        // nginx answers the PUT with an HTTP error: the message names the status.
        let wrong = Pushgateway(url: TestServers.nginx, engine: TestServers.engine)
        let status = await wrong.push(MetricsSamples.passing)
        #expect(status?.contains("\(TestServers.nginx)/metrics/job/canary/canary/passing: HTTP 4") == true)
    }
}
