import CanaryKit
import Foundation
import Testing

/// The planted-secret test over the listener: the canaries of `SecretLeakTests`, run by
/// `canary schedule --listen`, leak nothing through /metrics, / or /api/canaries.
@Suite("security: planted secrets reach no listener output")
struct ListenSecretsTests {
    @Test("every planted value, in every encoding and cut, is absent from /metrics, / and /api/canaries")
    func planted() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let c = folder + "/c"
        try FileManager.default.createDirectory(atPath: c, withIntermediateDirectories: true)
        for (name, text) in SecretLeakTests.canaries {
            // The same canaries, each on a schedule. rate(10 seconds), not rate(1 minute): a first
            // run is due up to half the interval after the start (at most 30 s, by a hash of the
            // name), and `secrets` came at 22 s on rate(1 minute), so the test spent most of its 23 s
            // waiting, and failed on a loaded machine when that run then took over 8 s.
            let scheduled = #"{schedule: "rate(10 seconds)", "# + text.dropFirst()
            try scheduled.write(toFile: c + "/" + name, atomically: true, encoding: .utf8)
        }
        let httpbin = URL(string: TestServers.httpbin)
        let userinfo = "http://alice:\(SecretLeakTests.password)@127.0.0.1:\(httpbin?.port ?? 0)"
        let environment = ["PLANTED": SecretLeakTests.planted, "ENCODED": SecretLeakTests.encoded, "COLON": SecretLeakTests.colon,
                           "MY_API_TOKEN": SecretLeakTests.envToken]
        let schedule = try await ListeningSchedule.start([c, "--var", "userinfo=\(userinfo)", "--var", "flip=first", "--max-snapshot-bytes", "4096"], folder: folder, environment: environment)
        // Every canary's first run has ended (each is in the API with a last run). First runs on
        // rate(1 minute) are spread over up to 30 s (`ScheduleBook`): the last may end just after.
        var served: [String: String] = [:]
        for _ in 0..<90 {
            let api = ListenClient.get("/api/canaries", port: schedule.port)?.body ?? ""
            if api.components(separatedBy: "\"lastRun\"").count == SecretLeakTests.canaries.count + 1 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        try await Task.sleep(for: .milliseconds(500))
        for path in ["/metrics", "/", "/api/canaries"] {
            served[path] = try #require(ListenClient.get(path, port: schedule.port)).body
        }
        #expect(await schedule.stop() == 0)
        #expect(served["/api/canaries"]?.components(separatedBy: "\"lastRun\"").count == SecretLeakTests.canaries.count + 1, "\(served["/api/canaries"] ?? "")")
        #expect(served["/"]?.contains("secrets") == true && served["/api/canaries"]?.contains("\"failure\":") == true, "the page and the API show the masked failures")
        for (path, body) in served {
            for leak in SecretLeakTests.leaks where body.contains(leak.text) {
                Issue.record("\(path) leaks \(leak.path): \(leak.text)")
            }
        }
    }
}
