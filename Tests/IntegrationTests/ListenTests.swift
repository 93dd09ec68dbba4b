import CanaryKit
import Foundation
import Testing

/// `canary schedule --listen`: the endpoints, keep-alive, HEAD and refused methods, against the real process.
@Suite("canary schedule --listen")
struct ListenTests {
    static func canaries(in folder: String) throws -> String {
        let c = folder + "/c"
        try FileManager.default.createDirectory(atPath: c, withIntermediateDirectories: true)
        try #"{name: "up", tags: {team: "web"}, schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: c + "/up.json", atomically: true, encoding: .utf8)
        try #"{name: "down", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 500}}]}"#
            .write(toFile: c + "/down.json", atomically: true, encoding: .utf8)
        return c
    }

    @Test("/metrics (Prometheus type, promtool-valid, canary and scheduler families), /-/healthy, /-/ready, / and /api/canaries; 404 elsewhere")
    func endpoints() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schedule = try await ListeningSchedule.start([try Self.canaries(in: folder)], folder: folder)
        try await Task.sleep(for: .milliseconds(2500))
        let metrics = try #require(ListenClient.get("/metrics", port: schedule.port))
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        for series in ["canary_success{canary=\"up\",team=\"web\"} 1", "canary_success{canary=\"down\"} 0", "canary_alarm_state{",
                       "canary_scheduler_skipped_runs_total{reason=\"queue\"}", "canary_scheduler_runs_in_flight ",
                       "canary_scheduler_queue_delay_seconds_count ", "canary_build_info{version=\"\(CanaryVersion.number)\"} 1"] {
            #expect(metrics.body.contains(series), "\(series) missing from:\n\(metrics.body)")
        }
        let file = folder + "/metrics.prom"
        try metrics.body.write(toFile: file, atomically: true, encoding: .utf8)
        let promtool = try await promtoolCheck(file)
        #expect(promtool.status == 0, "promtool check metrics: \(promtool.output)")

        #expect(ListenClient.get("/-/healthy", port: schedule.port)?.status == 200)
        #expect(ListenClient.get("/-/ready", port: schedule.port)?.status == 200)
        let page = try #require(ListenClient.get("/", port: schedule.port))
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("<meta http-equiv=\"refresh\"") && page.body.contains("down") && page.body.contains("1 passing, 1 failing"))
        #expect(!page.body.lowercased().contains("<script"))
        let api = try #require(ListenClient.get("/api/canaries", port: schedule.port))
        #expect(api.status == 200 && api.headers["content-type"] == "application/json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
        let list = try #require(json["canaries"] as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["down", "up"])
        #expect((list[0]["lastRun"] as? [String: Any])?["passed"] as? Bool == false)
        #expect(json["ready"] as? Bool == true)
        #expect(ListenClient.get("/nope", port: schedule.port)?.status == 404)
        #expect(await schedule.stop() == 0)
    }

    @Test("keep-alive: three requests on one connection (pipelined too); HEAD has the head only; POST, PUT, DELETE are 405 with Allow")
    func protocolRules() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schedule = try await ListeningSchedule.start([try Self.canaries(in: folder)], folder: folder)
        let client = try #require(ListenClient(port: schedule.port))
        #expect(client.send("GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(client.response()?.status == 200)
        #expect(client.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"))
        let head = try #require(client.response(head: true))
        #expect(head.status == 200 && Int(head.headers["content-length"] ?? "") ?? 0 > 0 && head.body.isEmpty)
        let after = try #require(client.response())
        #expect(after.status == 200 && after.body == "canary is healthy.\n", "the HEAD sent no body: the next response starts right after its head")
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let refused = try #require(ListenClient.get("/metrics", port: schedule.port, method: method))
            #expect(refused.status == 405 && refused.headers["allow"] == "GET, HEAD", "\(method)")
        }
        #expect(await schedule.stop() == 0)
    }

    @Test("--listen: a bad address is a usage error, a port in use is exit 2 naming it, before anything runs")
    func badAddress() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = try Self.canaries(in: folder)
        let bad = try await CLI.run(["schedule", c, "--listen", "9464", "--results", folder + "/r"])
        #expect(bad.status == 2 && bad.stderr.contains("--listen takes [ADDRESS]:PORT"), "\(bad.stderr)")
        let first = try await ListeningSchedule.start([c], folder: folder)
        let second = try await CLI.run(["schedule", c, "--listen", "127.0.0.1:\(first.port)", "--results", folder + "/r2"] + TestServers.varArguments)
        #expect(second.status == 2 && second.stderr.contains("--listen 127.0.0.1:\(first.port): cannot listen there"), "\(second.stdout)\(second.stderr)")
        #expect(await first.stop() == 0)
    }
}
