import CanaryKit
import CurlEngine
import Foundation
import Testing

/// `canary run` flags whose machinery is tested below the CLI, checked once end to end.
@Suite("canary run flags end to end")
struct RunFlagsTests {
    private func write(_ source: String) throws -> (folder: String, file: String) {
        let folder = try makeTemporaryDirectory()
        try source.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        return (folder, folder + "/c.json")
    }

    private func lastRun(_ results: String, _ canary: String) throws -> String {
        let runs = try FileManager.default.contentsOfDirectory(atPath: results + "/" + canary).sorted()
        return results + "/" + canary + "/" + (try #require(runs.last))
    }

    @Test("--screenshots renders httpbin's /html page to a real PNG beside the snapshot")
    func screenshots() async throws {
        let (folder, file) = try write(#"{name: "page", steps: [{name: "html", request: {url: "{{httpbin}}/html"}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", file, "--results", folder + "/r", "--screenshots"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: try lastRun(folder + "/r", "page") + "/01-html.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(png.count > 10_000, "a page of text is not a blank image: \(png.count) bytes")
    }

    @Test("a binary body is kept beside its snapshot, which points to it")
    func binaryBody() async throws {
        let (folder, file) = try write(#"{name: "img", steps: [{name: "png", request: {url: "{{httpbin}}/image/png"}, expect: {headers: {"Content-Type": "image/png"}}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", file, "--results", folder + "/r", "--artifacts", "all"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let run = try lastRun(folder + "/r", "img")
        let snapshot = try String(contentsOfFile: run + "/01-png.http", encoding: .utf8)
        #expect(snapshot.contains("saved as 01-png.body"))
        let body = try Data(contentsOf: URL(fileURLWithPath: run + "/01-png.body"))
        #expect(body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test("--pushgateway pushes the run's metrics, grouped by canary, to a real Pushgateway")
    func pushgateway() async throws {
        let name = "pushed-\(UInt16.random(in: 0...UInt16.max))"
        let (folder, file) = try write("{name: \"\(name)\", tags: {team: \"web\"}, steps: [{request: {url: \"{{site}}/hello.txt\"}}]}")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", file, "--results", folder + "/r", "--pushgateway", TestServers.pushgateway] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let engine = TestServers.engine
        let session = engine.makeSession()
        defer { engine.close(session) }
        let scraped = try await engine.perform(HTTPRequest(url: TestServers.pushgateway + "/metrics"), in: session)
        let text = String(decoding: scraped.body, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("canary_success{") && $0.contains("canary=\"\(name)\"") }
        let sample = try #require(line, "no canary_success for \(name) at the Pushgateway")
        #expect(sample.contains("job=\"canary\"") && sample.contains("team=\"web\"") && sample.hasSuffix(" 1"))
        _ = try? await engine.perform(HTTPRequest(method: "DELETE", url: TestServers.pushgateway + "/metrics/job/canary/canary/\(name)"), in: session)
    }

    @Test("--location labels records, metrics and events with where the run happened")
    func location() async throws {
        let (folder, file) = try write(#"{name: "here", steps: [{request: {url: "{{httpbin}}/status/500"}, expect: {status: 200}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", file, "--results", folder + "/r", "--location", "eu-west-1", "--run-events"] + TestServers.varArguments)
        #expect(output.status == 1)
        let record = try RunLogFiles.text(folder + "/r")
        #expect(record.contains(#""location":"eu-west-1""#))
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_success{canary="here",location="eu-west-1"} 0"#), "\(metrics)")
        let events = try String(contentsOfFile: folder + "/r/events.jsonl", encoding: .utf8)
        #expect(events.split(separator: "\n").allSatisfy { $0.contains(#""location":"eu-west-1""#) })
    }
}
