@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// `--otlp` and the OTEL_* variables, with the OpenTelemetry exporter spec's precedence; the
/// exporter's bounded queue.
@Suite("OTLP configuration and queue")
struct OTLPConfigTests {
    @Test("endpoints: the signal's own variable as-is, over the base URL plus /v1/<signal>; --otlp over both", arguments: [
        (nil, ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"], "http://c:4318/v1/traces", "http://c:4318/v1/metrics"),
        (nil, ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318/base/"], "http://c:4318/base/v1/traces", "http://c:4318/base/v1/metrics"),
        (nil, ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t:1/custom"], "http://t:1/custom", "http://c:4318/v1/metrics"),
        (nil, ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://m:1/m"], nil, "http://m:1/m"),
        ("http://flag:4318?k=v", ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t:1/custom"], "http://flag:4318/v1/traces?k=v", "http://flag:4318/v1/metrics?k=v"),
    ] as [(String?, [String: String], String?, String?)])
    func endpoints(_ flag: String?, _ environment: [String: String], _ traces: String?, _ metrics: String?) throws {
        let config = try #require(OTLPConfig.resolve(flag: flag, environment: environment))
        #expect(config.tracesURL == traces && config.metricsURL == metrics)
    }

    @Test("no endpoint, nothing exported; headers and resource attributes percent-decoded; OTEL_SERVICE_NAME wins")
    func headersAndResource() throws {
        #expect(OTLPConfig.resolve(flag: nil, environment: ["OTEL_EXPORTER_OTLP_HEADERS": "a=b"]) == nil)
        let config = try #require(OTLPConfig.resolve(flag: "http://c:4318", environment: [
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=se%2Fcret, x-b = 1 ,broken",
            "OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs,team=web%20core",
        ]))
        #expect(config.headers == [HTTPHeader(name: "api-key", value: "se/cret"), HTTPHeader(name: "x-b", value: "1")])
        #expect(config.resource.map { "\($0.key)=\($0.value)" } == ["service.name=from-attrs", "team=web core"])
        let named = try #require(OTLPConfig.resolve(flag: "http://c:4318", environment: ["OTEL_SERVICE_NAME": "synthetics", "OTEL_RESOURCE_ATTRIBUTES": "service.name=x"]))
        #expect(named.resource.map(\.value) == ["synthetics"])
        #expect(try #require(OTLPConfig.resolve(flag: "http://c", environment: [:])).resource.map(\.value) == ["canary"])
    }

    @Test("OTEL_EXPORTER_OTLP_PROTOCOL: http/json and http/protobuf are sent as OTLP/HTTP JSON (every OTLP/HTTP receiver takes both); grpc is refused, naming the variable and the fix", arguments: [
        ([:], nil),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"], nil),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": " http/json "], nil),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], "OTEL_EXPORTER_OTLP_PROTOCOL=grpc"),
        (["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc"], "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=grpc"),
        (["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "thrift"], "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=thrift"),
    ] as [([String: String], String?)])
    func protocols(_ environment: [String: String], _ named: String?) {
        let problem = OTLPConfig.protocolProblem(environment: environment)
        if let named {
            #expect(problem?.contains(named) == true && problem?.contains("4318") == true, "\(problem ?? "nil")")
        } else {
            #expect(problem == nil)
        }
    }

    @Test("past its span limit the queue drops the oldest runs and counts their spans")
    func boundedQueue() throws {
        let exporter = OTLPExporter(config: try #require(OTLPConfig.resolve(flag: "http://127.0.0.1:1", environment: [:])),
                                    engine: try CurlEngine(), timeout: .seconds(1), maxSpans: 5)
        var record = MetricsFixtures.record("q", steps: [MetricsFixtures.step("a"), MetricsFixtures.step("b"), MetricsFixtures.step("c", .skipped)])
        record.traceId = String(repeating: "a", count: 32)
        record.spanId = String(repeating: "b", count: 16)
        let perRun = OTLPTraces.spanCount(record)
        #expect(perRun == 3, "the root span and one per step that ran")
        for _ in 0..<4 { exporter.add(record) } // 12 spans, 5 kept at most: the first two runs (6 spans) dropped
        let counts = exporter.counts
        #expect(counts.queued == 3 && counts.dropped == 9)
    }
}
