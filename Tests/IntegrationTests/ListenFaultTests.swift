import CanaryKit
import Foundation
import Testing

/// Hostile clients of `canary schedule --listen`: slowloris, a 1 MB request line, garbage bytes
/// and 1,000 idle connections, all at once, while a canary on rate(1 second) keeps its cadence.
@Suite("canary schedule --listen: hostile clients")
struct ListenFaultTests {
    @Test("slowloris gets 408 or a close within the header timeout, 1 MB line 414, garbage 400, 1,000 idle connections: /metrics still answers and rate(1 second) keeps its cadence")
    func hostileClients() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try #"{name: "beat", schedule: "rate(1 second)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/c/beat.json", atomically: true, encoding: .utf8)
        let schedule = try await ListeningSchedule.start([folder + "/c"], folder: folder)
        let port = schedule.port
        try await Task.sleep(for: .seconds(2))
        let from = RunID.iso8601(Date())

        async let slow: [String] = Task.detached {
            // Five clients dribbling a request head, a byte every 300 ms.
            let clients = (0..<5).compactMap { _ in ListenClient(port: port) }
            let began = Date()
            var closedAfter: [Double] = []
            for client in clients { client.send("GET / HTTP/1.1\r\nX-Slow: ") }
            while closedAfter.count < clients.count, Date().timeIntervalSince(began) < 9 {
                closedAfter = []
                for client in clients where !client.send("a") { closedAfter.append(Date().timeIntervalSince(began)) }
                try? await Task.sleep(for: .milliseconds(300))
            }
            return closedAfter.count == clients.count && closedAfter.allSatisfy { $0 < 7.5 } ? [] : ["slowloris clients still connected after 9 s: \(closedAfter)"]
        }.value
        async let big: [String] = Task.detached {
            let bytes = Array("GET /".utf8) + [UInt8](repeating: 97, count: 1 << 20) + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            guard let client = ListenClient(port: port) else { return ["no connection"] }
            client.send(bytes)
            let answer = String(decoding: client.readToEnd(), as: UTF8.self)
            return answer.hasPrefix("HTTP/1.1 414 ") ? [] : ["1 MB request line: \(answer.prefix(100))"]
        }.value
        async let garbage: [String] = Task.detached {
            // Made before connecting: a connection that has sent nothing is idle, and the flood of
            // idle ones below evicts the longest idle first.
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }
            guard let client = ListenClient(port: port) else { return ["no connection"] }
            client.send(bytes)
            let answer = String(decoding: client.readToEnd(), as: UTF8.self)
            return answer.hasPrefix("HTTP/1.1 400 ") ? [] : ["garbage: \(answer.prefix(100))"]
        }.value
        async let idle: [String] = Task.detached {
            let clients = (0..<1000).compactMap { _ in ListenClient(port: port) }
            // While they are all open, a scraper still gets its answer, in time.
            let began = Date()
            let metrics = ListenClient.get("/metrics", port: port)
            let seconds = Date().timeIntervalSince(began)
            try? await Task.sleep(for: .seconds(5))
            withExtendedLifetime(clients) {}
            var problems: [String] = []
            if clients.count < 1000 { problems.append("only \(clients.count) of 1,000 idle connections were made") }
            if metrics?.status != 200 || seconds > 1 { problems.append("/metrics with 1,000 idle connections: \(metrics?.status ?? 0) after \(seconds) s") }
            return problems
        }.value
        let problems = await slow + big + garbage + idle
        #expect(problems.isEmpty, "\(problems)")
        let to = RunID.iso8601(Date())
        #expect(ListenClient.get("/-/healthy", port: port)?.status == 200)
        #expect(await schedule.stop() == 0)

        // The beat while the clients were at it: one run a second, none skipped.
        let starts = try RunLogFiles.text(folder + "/r").split(separator: "\n")
            .compactMap { try? JSONDecoder().decode(RunRecord.self, from: Data($0.utf8)) }
            .map(\.start).filter { $0 >= from && $0 <= to }.compactMap { RunID.date(fromISO8601: $0) }
        let gaps = zip(starts, starts.dropFirst()).map { $1.timeIntervalSince($0) }
        print("listen faults: \(starts.count) runs in \(String(format: "%.1f", (RunID.date(fromISO8601: to) ?? Date()).timeIntervalSince(RunID.date(fromISO8601: from) ?? Date()))) s, largest gap \(gaps.max() ?? 0) s")
        #expect(starts.count >= 6, "\(starts.count) runs")
        #expect(gaps.allSatisfy { $0 < 1.5 }, "gaps between runs: \(gaps)")
        let log = try String(contentsOfFile: folder + "/log", encoding: .utf8)
        #expect(!log.contains("skipped beat"), "\(log)")
    }
}
