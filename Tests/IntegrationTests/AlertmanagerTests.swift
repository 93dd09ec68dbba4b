import Foundation
import Testing

/// The Alertmanager started by scripts/test-servers.sh, read through its API with curl.
enum AlertmanagerAPI {
    static var url: String { TestServers.value("CANARY_TEST_ALERTMANAGER") }
    /// Where its one route sends notifications: tests start scripts/webhook-receiver.py there.
    static var receiverPort: Int { Int(TestServers.value("CANARY_TEST_ALERTMANAGER_RECEIVER_PORT")) ?? 0 }

    /// `GET /api/v2/alerts` (active alerts only, Alertmanager's default) as text.
    static func alerts(query: String = "") async throws -> String {
        try await CLI.run(["-sS", "--max-time", "5", url + "/api/v2/alerts" + query], executable: "/usr/bin/curl").stdout
    }

    /// The active alerts of one canary.
    static func alerts(of canary: String) async throws -> [[String: Any]] {
        let text = try await alerts()
        let all = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
        return all.filter { ($0["labels"] as? [String: String])?["canary"] == canary }
    }
}

/// Issue 13.1: `--alertmanager` against a real Alertmanager, whose route notifies a webhook.
@Suite("alerts through a real Alertmanager", .serialized)
struct AlertmanagerTests {
    /// Polls the receiver until `condition` holds for what it got, for at most 10 s.
    private func received(_ receiver: WebhookReceiver, _ condition: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        for _ in 0..<100 {
            if condition(receiver.received) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return receiver.received
    }

    private func notifications(_ bodies: [[String: Any]], of canary: String, status: String) -> [[String: Any]] {
        bodies.filter { body in
            body["status"] as? String == status
                && (body["alerts"] as? [[String: Any]] ?? []).contains { ($0["labels"] as? [String: String])?["canary"] == canary }
        }
    }

    @Test("a canary in ALARM fires CanaryFailing with its labels and annotations, notified through the route; passing again resolves it; a dead second Alertmanager is one warning")
    func fireAndResolve() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try WebhookReceiver(mode: "record", folder: folder, port: AlertmanagerAPI.receiverPort)
        defer { receiver.stop() }
        // A name of its own: the Alertmanager keeps alerts of earlier tests and earlier runs.
        let name = "am-\(UUID().uuidString.prefix(8).lowercased())"
        try #"{name: "\#(name)", schedule: "rate(1 minute)", tags: {team: "web", severity: "low"}, alarm: {severity: "page"}, steps: [{name: "get", request: {url: "{{httpbin}}/status/{{code}}"}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let common = ["run", folder + "/c.json", "--results", folder + "/r", "--location", "lab", "--alertmanager", AlertmanagerAPI.url,
                      "--report-url", "https://reports.example/canary.html"] + TestServers.varArguments

        let failing = try await CLI.run(common + ["--var", "code=503", "--alertmanager", "http://127.0.0.1:\(TestServers.closedPort)", "--sink-timeout", "1s"])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stderr.contains("alertmanager http://127.0.0.1:\(TestServers.closedPort): 1 alert not taken"), "\(failing.stderr)")
        let alert = try #require(try await AlertmanagerAPI.alerts(of: name).first)
        #expect(alert["labels"] as? [String: String] == [
            "alertname": "CanaryFailing", "canary": name, "location": "lab", "severity": "page", "team": "web",
        ])
        let annotations = alert["annotations"] as? [String: String] ?? [:]
        #expect(annotations["step"] == "get")
        #expect(annotations["message"]?.contains("got 503") == true, "\(annotations)")
        #expect(annotations["summary"] == "canary \(name) is failing: 1 of its last 1 runs failed")
        #expect(annotations["report"] == "https://reports.example/canary.html")
        #expect(annotations["runId"]?.wholeMatch(of: /\d{8}T\d{6}Z-[0-9a-z]+/) != nil, "\(annotations)")
        // Three intervals of rate(1 minute) ahead: re-sent by every run while it fails.
        let ends = (alert["endsAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
        #expect(ends.map { (150...200).contains($0.timeIntervalSinceNow) } == true, "endsAt \(alert["endsAt"] ?? "")")
        let firing = try await received(receiver) { !notifications($0, of: name, status: "firing").isEmpty }
        #expect(!notifications(firing, of: name, status: "firing").isEmpty, "\(firing)")

        let passing = try await CLI.run(common + ["--var", "code=200"])
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(try await AlertmanagerAPI.alerts(of: name).isEmpty, "resolved: no longer active")
        let resolved = try await received(receiver) { !notifications($0, of: name, status: "resolved").isEmpty }
        #expect(!notifications(resolved, of: name, status: "resolved").isEmpty, "\(resolved)")
    }

    @Test("a canary that stays OK posts nothing; alarm.severity defaults to critical")
    func quietWhenOK() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let name = "am-\(UUID().uuidString.prefix(8).lowercased())"
        try #"{name: "\#(name)", steps: [{request: {url: "{{httpbin}}/status/{{code}}"}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let arguments = ["run", folder + "/c.json", "--results", folder + "/r", "--alertmanager", AlertmanagerAPI.url] + TestServers.varArguments
        _ = try await CLI.run(arguments + ["--var", "code=200"])
        #expect(try await AlertmanagerAPI.alerts(of: name).isEmpty)
        _ = try await CLI.run(arguments + ["--var", "code=500"])
        let alert = try #require(try await AlertmanagerAPI.alerts(of: name).first)
        #expect((alert["labels"] as? [String: String])?["severity"] == "critical")
    }
}

