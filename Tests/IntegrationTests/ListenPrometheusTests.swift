import CanaryKit
import Foundation
import Testing

/// A real Prometheus (Debian's `prometheus`) scrapes `canary schedule --listen` every second.
@Suite("canary schedule --listen scraped by Prometheus")
struct ListenPrometheusTests {
    /// A port that was free a moment ago on loopback.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func query(_ expression: String, port: Int) async throws -> [[String: Any]] {
        let output = try await CLI.run(["-s", "--get", "--data-urlencode", "query=\(expression)", "http://127.0.0.1:\(port)/api/v1/query"], executable: "/usr/bin/curl")
        let json = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        return ((json?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
    }

    @Test("up == 1 for the listener's target, and canary_success for each canary, through Prometheus' query API")
    func scraped() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schedule = try await ListeningSchedule.start([try ListenTests.canaries(in: folder)], folder: folder)
        let config = """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: canary
                static_configs: [{targets: ["127.0.0.1:\(schedule.port)"]}]
            """
        try config.write(toFile: folder + "/prometheus.yml", atomically: true, encoding: .utf8)
        let port = Self.freePort()
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=" + folder + "/prometheus.yml", "--storage.tsdb.path=" + folder + "/tsdb",
                                "--web.listen-address=127.0.0.1:\(port)"]
        _ = FileManager.default.createFile(atPath: folder + "/prometheus.log", contents: nil)
        prometheus.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/prometheus.log"))
        prometheus.standardError = prometheus.standardOutput
        let exited = try launch(prometheus)
        defer { kill(prometheus.processIdentifier, SIGTERM) }
        var up: [[String: Any]] = [], success: [[String: Any]] = []
        for _ in 0..<40 {
            try await Task.sleep(for: .milliseconds(500))
            up = try await Self.query("up{job=\"canary\"}", port: port)
            success = try await Self.query("canary_success", port: port)
            if (up.first?["value"] as? [Any])?.last as? String == "1", success.count == 2 { break }
        }
        kill(prometheus.processIdentifier, SIGTERM)
        await exited.value
        #expect(await schedule.stop() == 0)
        let log = (try? String(contentsOfFile: folder + "/prometheus.log", encoding: .utf8)) ?? ""
        #expect((up.first?["value"] as? [Any])?.last as? String == "1", "up: \(up)\n\(log.suffix(2000))")
        let values = Dictionary(success.compactMap { sample -> (String, String)? in
            guard let canary = (sample["metric"] as? [String: String])?["canary"], let value = (sample["value"] as? [Any])?.last as? String else { return nil }
            return (canary, value)
        }, uniquingKeysWith: { $1 })
        #expect(values == ["up": "1", "down": "0"], "canary_success: \(success)")
    }
}
