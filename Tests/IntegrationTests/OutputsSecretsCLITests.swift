@testable import CanaryKit
import Foundation
import Testing

/// Credentials in the URLs of our own outputs never reach the console.
@Suite("outputs: secrets in URLs")
struct OutputsSecretsCLITests {
    @Test("a Pushgateway URL's password and query are masked in its warnings (run, and schedule with --log-format json on stdout)")
    func pushgatewayCredentials() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "up", schedule: "rate(1 hour)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/up.json", atomically: true, encoding: .utf8)
        let gateway = "http://pusher:S3cretPass@127.0.0.1:\(TestServers.closedPort)/?token=T0kenValue"
        let output = try await CLI.run(["run", folder + "/up.json", "--results", folder + "/r", "--pushgateway", gateway] + TestServers.varArguments)
        #expect(output.stderr.contains("pushgateway http://***@127.0.0.1:\(TestServers.closedPort)/metrics/job/canary/"), "\(output.stderr)")
        for text in [output.stdout, output.stderr] {
            #expect(!text.contains("S3cretPass") && !text.contains("T0kenValue"), "\(text)")
        }
    }

    @Test("masking keeps scheme, host, port and path, and hides user-info and query", arguments: [
        ("http://u:p@h:9091/a/b?x=1", "http://***@h:9091/a/b?***"),
        ("https://h/metrics", "https://h/metrics"),
        ("not a url", "(unparseable URL)"),
    ])
    func masking(url: String, shown: String) {
        #expect(URLMasking.masked(url) == shown)
    }
}

/// The daemon's log while the Pushgateway is down.
@Suite("outputs: Pushgateway outage in the daemon's log")
struct PushgatewayOutageLogTests {
    @Test("canary schedule with the Pushgateway down: one warning for the outage, not one per canary and flush")
    func oneLinePerOutage() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        for index in 1...4 {
            try #"{name: "c\#(index)", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
                .write(toFile: folder + "/c/c\(index).json", atomically: true, encoding: .utf8)
        }
        let (process, exited) = try CLI.startSchedule([folder + "/c", "--pushgateway", "http://127.0.0.1:\(TestServers.closedPort)"], folder: folder)
        try await Task.sleep(for: .seconds(5))
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains("pushgateway") }.count == 1, "\(log)")
    }
}
