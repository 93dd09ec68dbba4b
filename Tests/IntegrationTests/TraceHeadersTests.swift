@testable import CanaryKit
import Foundation
import Testing

/// Trace context on every request (issue 12.1): httpbin's `/headers` echoes what it received,
/// which must carry the ids the run recorded.
@Suite("trace headers on every request")
struct TraceHeadersTests {
    /// The headers httpbin says it received for the step's request.
    static func received(_ result: RunResult, step: Int) throws -> [String: String] {
        let body = try #require(result.exchanges[step].response?.body)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let headers = try #require(json["headers"] as? [String: String])
        return Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    @Test("each step sends its own span id as the parent, in the attempt's trace, in every format asked for")
    func everyFormat() async throws {
        let result = try #require(await CanaryHarness().run("""
            {name: "traced", trace: "w3c,xray,b3", steps: [
              {name: "one", request: {url: "{{httpbin}}/headers"}},
              {name: "two", request: {url: "{{httpbin}}/headers"}},
            ]}
            """))
        #expect(result.record.passed)
        let traceId = try #require(result.record.traceId)
        #expect(traceId.count == 32 && traceId.allSatisfy(\.isHexDigit) && traceId != String(repeating: "0", count: 32))
        #expect(result.record.spanId?.count == 16)
        // The trace id begins with the start in epoch seconds, as X-Ray's must.
        let epoch = try #require(UInt32(traceId.prefix(8), radix: 16))
        let start = try #require(RunID.date(fromISO8601: result.record.start)).timeIntervalSince1970
        #expect(abs(Double(epoch) - start) < 2)
        var spans: Set<String> = []
        for (index, step) in result.record.steps.enumerated() {
            let spanId = try #require(step.spanId)
            #expect(spanId.count == 16 && spanId != result.record.spanId)
            spans.insert(spanId)
            let headers = try Self.received(result, step: index)
            #expect(headers["traceparent"] == "00-\(traceId)-\(spanId)-01")
            #expect(headers["x-amzn-trace-id"] == "Root=1-\(traceId.prefix(8))-\(traceId.dropFirst(8));Parent=\(spanId);Sampled=1")
            #expect(headers["b3"] == "\(traceId)-\(spanId)-1")
        }
        #expect(spans.count == 2)
        // The HAR names the same ids for each entry.
        let har = String(decoding: HAR.render(result, record: result.record, redactor: Redactor(secrets: []), maxBodyBytes: 1 << 20), as: UTF8.self)
        for step in result.record.steps {
            #expect(har.contains("\"_traceId\": \"\(traceId)\",\n        \"_spanId\": \"\(step.spanId ?? "-")\""))
        }
    }

    @Test("W3C only by default; `none` sends no trace header; a trace header the file sets itself wins")
    func defaultsAndOverrides() async throws {
        let plain = try #require(await CanaryHarness().runStep(#"{request: {url: "{{httpbin}}/headers"}}"#))
        let headers = try Self.received(plain, step: 0)
        #expect(headers["traceparent"] == "00-\(plain.record.traceId ?? "")-\(plain.record.steps[0].spanId ?? "")-01")
        #expect(headers["x-amzn-trace-id"] == nil && headers["b3"] == nil)

        let off = try #require(await CanaryHarness().runStep(#"{request: {url: "{{httpbin}}/headers"}}"#, extra: #"defaults: {trace: "none"},"#))
        let none = try Self.received(off, step: 0)
        #expect(none["traceparent"] == nil && none["x-amzn-trace-id"] == nil && none["b3"] == nil)

        let own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let set = try #require(await CanaryHarness().runStep(
            #"{request: {url: "{{httpbin}}/headers", headers: {TraceParent: "\#(own)"}}}"#, extra: #"trace: ["w3c", "b3"],"#))
        let sent = try Self.received(set, step: 0)
        #expect(sent["traceparent"] == own)
        #expect(sent["b3"] == "\(set.record.traceId ?? "")-\(set.record.steps[0].spanId ?? "")-1")
    }

    @Test("--trace overrides the canary's own formats")
    func flagOverrides() async throws {
        guard let canary = CanaryHarness().load(#"{name: "t", trace: "b3", steps: [{request: {url: "{{httpbin}}/headers"}}]}"#) else { return }
        var settings = RunSettings(variables: TestServers.variables, caFile: TestServers.caFile)
        settings.traceFormats = [.xray]
        let result = await Runner(engine: TestServers.engine, settings: settings).run(canary)
        let headers = try Self.received(result, step: 0)
        #expect(headers["b3"] == nil && headers["traceparent"] == nil)
        #expect(headers["x-amzn-trace-id"]?.hasSuffix(";Parent=\(result.record.steps[0].spanId ?? "-");Sampled=1") == true)
    }

    @Test("the trace and span ids in the run line, the run event, JUnit, -v and the HTML report (linked through --trace-url)")
    func everyOutput() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "ids", steps: [{name: "bad", request: {url: "{{site}}/hello.txt"}, expect: {status: 201}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "-v", "--run-events", "--junit", folder + "/junit.xml"]
            + TestServers.varArguments("site"))
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let line = try RunLogFiles.text(folder + "/r").split(separator: "\n").first.map(String.init) ?? ""
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(line.utf8))
        let traceId = try #require(record.traceId), spanId = try #require(record.spanId), stepSpan = try #require(record.steps.first?.spanId)
        #expect(output.stdout.contains("trace \(traceId) span \(stepSpan)"), "\(output.stdout)")
        let events = try String(contentsOfFile: folder + "/r/events.jsonl", encoding: .utf8)
        #expect(events.contains("\"traceId\":\"\(traceId)\""), "\(events)")
        let junit = try String(contentsOfFile: folder + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("<property name=\"traceId\" value=\"\(traceId)\"/>") && junit.contains("<property name=\"spanId\" value=\"\(spanId)\"/>"))
        let report = try await CLI.run(["report", "--results", folder + "/r", "-o", folder + "/report.html",
                                        "--trace-url", "https://grafana.example/explore?traceId={traceId}&x=1"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.contains("href=\"https://grafana.example/explore?traceId=\(traceId)&amp;x=1\""), "\(html.prefix(200))")
    }
}
