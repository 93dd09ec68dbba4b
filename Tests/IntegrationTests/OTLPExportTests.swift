@testable import CanaryKit
import Foundation
import Testing

/// `--otlp` and the OTEL_* variables against scripts/otlp-receiver.py, which decodes every export
/// with the official opentelemetry-proto (unknown fields rejected).
@Suite("OpenTelemetry export over OTLP/HTTP")
struct OTLPExportTests {
    static let twoSteps = """
        {name: "NAME", tags: {team: "web"}, steps: [
          {name: "headers", request: {url: "{{httpbin}}/headers"}, continueOnFailure: true},
          {name: "broken", request: {method: "POST", url: "{{httpbin}}/status/503"}},
        ]}
        """

    /// Writes the canary `NAME` (from `source`) into a new folder; returns the folder.
    static func folder(_ name: String, _ source: String = twoSteps) throws -> String {
        let folder = try makeTemporaryDirectory()
        try source.replacingOccurrences(of: "NAME", with: name).write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        return folder
    }

    static func records(_ results: String) throws -> [RunRecord] {
        try RunLogFiles.text(results).split(separator: "\n").compactMap { try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }
    }

    @Test("a root span per run and a CLIENT span per step, decoded by the official proto; one trace id in the header httpbin saw, run.json, the HAR and the export")
    func spansAndMetrics() async throws {
        let bucket = OTLPReceiver.newBucket(), name = "otlp-\(bucket)"
        let folder = try Self.folder(name)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(
            ["run", folder + "/c.json", "--results", folder + "/r", "--artifacts", "all", "--location", "eu-1",
             "--otlp", OTLPReceiver.base("ok", bucket)] + TestServers.varArguments("httpbin"))
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        #expect(!output.stderr.contains("otlp"), "\(output.stderr)")
        let record = try #require(try Self.records(folder + "/r").first)
        let traceId = try #require(record.traceId)

        let received = try await OTLPReceiver.received(bucket)
        #expect((received["rejected"] as? [String])?.isEmpty == true, "\(received["rejected"] ?? "")")
        #expect(OTLPReceiver.resource(received, signal: "traces")["service.name"] == "canary")
        let spans = OTLPReceiver.spans(received)
        #expect(spans.count == 3)
        let root = try #require(spans.first { $0["name"] as? String == "canary \(name)" })
        #expect(root["traceId"] as? String == traceId && root["spanId"] as? String == record.spanId)
        #expect(root["parentSpanId"] == nil)
        #expect((root["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_ERROR")
        let rootAttributes = OTLPReceiver.attributes(root)
        #expect(rootAttributes["canary.name"] == name && rootAttributes["canary.run_id"] == record.runId)
        #expect(rootAttributes["canary.location"] == "eu-1" && rootAttributes["canary.tag.team"] == "web")

        for (index, step) in record.steps.enumerated() {
            let span = try #require(spans.first { $0["spanId"] as? String == step.spanId })
            #expect(span["traceId"] as? String == traceId && span["parentSpanId"] as? String == record.spanId)
            #expect(span["kind"] as? String == "SPAN_KIND_CLIENT")
            let attributes = OTLPReceiver.attributes(span)
            #expect(attributes["http.request.method"] == ["GET", "POST"][index])
            #expect(attributes["url.full"] == step.request?.url)
            #expect(attributes["server.address"] == "127.0.0.1" && attributes["server.port"] == URL(string: TestServers.httpbin)?.port.map(String.init))
            #expect(attributes["http.response.status_code"] == ["200", "503"][index])
            #expect(attributes["network.protocol.version"] == "1.1")
            #expect(attributes["canary.name"] == name && attributes["canary.location"] == "eu-1")
            #expect(attributes["canary.timing.total_ms"] != nil)
            let status = span["status"] as? [String: Any]
            if index == 1 {
                #expect(attributes["error.type"] == "503")
                #expect(status?["code"] as? String == "STATUS_CODE_ERROR")
                #expect((status?["message"] as? String)?.contains("503") == true, "\(status ?? [:])")
            } else {
                #expect(attributes["error.type"] == nil && status?["code"] == nil)
            }
        }

        // The same ids in run.json, in the HAR, and in the header httpbin echoed back.
        let runFolder = folder + "/r/\(name)/\(record.runId)"
        let runJSON = try String(contentsOfFile: runFolder + "/run.json", encoding: .utf8)
        #expect(runJSON.contains("\"traceId\": \"\(traceId)\""))
        let har = try String(contentsOfFile: runFolder + "/run.har", encoding: .utf8)
        #expect(har.contains("\"_traceId\": \"\(traceId)\""))
        #expect(har.contains("\"_spanId\": \"\(record.steps[0].spanId ?? "-")\""))
        #expect(har.contains("00-\(traceId)-\(record.steps[0].spanId ?? "-")-01"), "httpbin's echo of traceparent, in the HAR's response")

        let metrics = OTLPReceiver.metrics(received)
        let success = try #require(metrics["canary_success"]?["gauge"] as? [String: Any])
        let point = try #require((success["dataPoints"] as? [[String: Any]])?.first)
        #expect(OTLPReceiver.attributes(point)["canary"] == name && point["asDouble"] as? Double == 0)
        let runs = try #require(metrics["canary_runs_total"]?["sum"] as? [String: Any])
        #expect(runs["isMonotonic"] as? Bool == true && runs["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let histogram = try #require(metrics["canary.step.duration"]?["histogram"] as? [String: Any])
        #expect((histogram["dataPoints"] as? [[String: Any]])?.count == 2)
    }

    @Test("a collector answering 503 (Retry-After: 1) then 200 gets the spans on the retry, with no warning")
    func retriesAfter503() async throws {
        let bucket = OTLPReceiver.newBucket(), name = "flaky-\(bucket)"
        let folder = try Self.folder(name, #"{name: "NAME", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(
            ["run", folder + "/c.json", "--results", folder + "/r", "--sink-timeout", "5s", "--otlp", OTLPReceiver.base("flaky", bucket)]
                + TestServers.varArguments("site"))
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(!output.stderr.contains("otlp"), "\(output.stderr)")
        let received = try await OTLPReceiver.received(bucket)
        #expect(OTLPReceiver.spans(received).count == 2)
        #expect(OTLPReceiver.metrics(received)["canary_success"] != nil)
        #expect((received["headers"] as? [Any])?.count == 4, "a 503 and a 200 for each signal")
    }

    @Test("a hanging collector costs at most --sink-timeout at the end of the run, one warning with counts, and no local record", arguments: ["hang", "down"])
    func unavailableCollector(_ kind: String) async throws {
        let bucket = OTLPReceiver.newBucket(), name = "\(kind)-\(bucket)"
        let folder = try Self.folder(name, #"{name: "NAME", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let url = kind == "hang" ? OTLPReceiver.base("hang", bucket) : "http://127.0.0.1:\(TestServers.closedPort)"
        let clock = ContinuousClock()
        let began = clock.now
        let output = try await CLI.run(
            ["run", folder + "/c.json", "--results", folder + "/r", "--sink-timeout", "1s", "--otlp", url] + TestServers.varArguments("site"))
        let elapsed = clock.now - began
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(elapsed < .milliseconds(3500), "the run took \(elapsed) with --sink-timeout 1s")
        let warnings = output.stderr.split(separator: "\n").filter { $0.contains("otlp") }
        #expect(warnings.count == 1, "\(output.stderr)")
        #expect(warnings.first?.contains("2 spans kept for the next export, 0 dropped") == true, "\(output.stderr)")
        #expect(try Self.records(folder + "/r").count == 1)
    }

    @Test("OTEL_* variables: a signal's own endpoint as-is over the base URL, headers sent but never printed, service name and resource attributes")
    func environmentVariables() async throws {
        let traces = OTLPReceiver.newBucket(), rest = OTLPReceiver.newBucket(), name = "env-\(traces)"
        let folder = try Self.folder(name, #"{name: "NAME", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let token = "T0kenInOtelHeaders9"
        let environment = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": OTLPReceiver.base("ok", rest) + "/",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": OTLPReceiver.base("ok", traces) + "/v1/traces",
            "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20\(token),x-tenant=blue",
            "OTEL_SERVICE_NAME": "synthetics",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod,service.name=ignored",
        ]
        let output = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "-v"] + TestServers.varArguments("site"), environment: environment)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let spans = try await OTLPReceiver.received(traces), metrics = try await OTLPReceiver.received(rest)
        #expect(OTLPReceiver.spans(spans).count == 2 && OTLPReceiver.spans(metrics).isEmpty)
        #expect(OTLPReceiver.metrics(metrics)["canary_success"] != nil && OTLPReceiver.metrics(spans).isEmpty)
        let resource = OTLPReceiver.resource(spans, signal: "traces")
        #expect(resource["service.name"] == "synthetics" && resource["deployment.environment"] == "prod")
        let headers = (spans["headers"] as? [[String: String]])?.first ?? [:]
        #expect(headers["authorization"] == "Bearer \(token)" && headers["x-tenant"] == "blue")

        // A collector that refuses: the warning names the URL, never the headers.
        let refused = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "--sink-timeout", "1s"] + TestServers.varArguments("site"),
                                        environment: environment.merging(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": TestServers.otlp + "/nowhere"]) { $1 })
        #expect(refused.stderr.contains("otlp") && refused.stderr.contains("404"), "\(refused.stderr)")
        #expect(!(output.stdout + output.stderr + refused.stdout + refused.stderr).contains(token))
    }
}

/// `canary schedule --otlp`: spans go out with every flush while the scheduler runs, not at its end.
@Suite("OpenTelemetry export from canary schedule")
struct OTLPScheduleTests {
    @Test("the scheduler exports runs while it goes on running")
    func continuous() async throws {
        let bucket = OTLPReceiver.newBucket()
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "sched-\#(bucket)", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        // --run-events: an event waiting makes the scheduler flush each second instead of every 10 s.
        let (process, exited) = try CLI.startSchedule([folder + "/c.json", "--run-events", "--otlp", OTLPReceiver.base("ok", bucket)], folder: folder)
        var exports = 0, traces: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, exports < 2 || traces.count < 2 {
            try await Task.sleep(for: .milliseconds(300))
            let received = try await OTLPReceiver.received(bucket)
            exports = (received["traces"] as? [Any])?.count ?? 0
            traces = Set(OTLPReceiver.spans(received).compactMap { $0["traceId"] as? String })
        }
        let running = process.isRunning
        process.terminate()
        await exited.value
        #expect(running, "the exports came while the scheduler ran")
        #expect(exports >= 2 && traces.count >= 2, "\(exports) exports of \(traces.count) traces; log: \((try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? "")")
    }
}
