import Foundation
import Testing

/// Issue 13.6: `dependsOn` through the real binary, one batch holding both canaries.
@Suite("dependsOn: a dependent's alarm waits for its dependency")
struct DependsOnCLITests {
    @Test("both fail in one run: only the dependency alarms and the dependent's record says suppressedBy; with the dependency back, the dependent's failure alarms")
    func held() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dns = { (status: Int) in #"{name: "egress-dns", steps: [{request: {url: "{{httpbin}}/status/\#(status)"}}]}"# }
        // The dependent comes first on the command line and answers at once: the batch still records the dependency first.
        try #"{name: "shop", dependsOn: ["egress-dns"], steps: [{request: {url: "{{httpbin}}/status/503"}}]}"#
            .write(toFile: folder + "/shop.json", atomically: true, encoding: .utf8)
        try dns(503).write(toFile: folder + "/dns.json", atomically: true, encoding: .utf8)
        let arguments = ["run", folder + "/shop.json", folder + "/dns.json", "--results", folder + "/r", "--run-events"] + TestServers.varArguments
        let first = try await CLI.run(arguments)
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        let shop = EventsFiles.runRecords(folder + "/r").first { $0["canary"] as? String == "shop" }
        #expect(shop?["suppressedBy"] as? [String] == ["egress-dns"])
        var events = EventsFiles.jsonLines(folder + "/r/events.jsonl")
        #expect(Self.changes(events) == ["egress-dns=ALARM"])
        let runEvent = events.first { $0["detail-type"] as? String == "Canary Run Failed" && ($0["detail"] as? [String: Any])?["canary"] as? String == "shop" }
        #expect((runEvent?["detail"] as? [String: Any])?["suppressedBy"] as? [String] == ["egress-dns"])

        try dns(200).write(toFile: folder + "/dns.json", atomically: true, encoding: .utf8)
        _ = try await CLI.run(arguments)
        events = EventsFiles.jsonLines(folder + "/r/events.jsonl")
        #expect(Self.changes(events) == ["egress-dns=ALARM", "egress-dns=OK", "shop=ALARM"])
    }

    @Test("an unknown dependency is exit 2 before anything runs, with the closest name")
    func unknown() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "shop", dependsOn: ["egress-dnz"], steps: [{request: {url: "{{httpbin}}/get"}}]}"#
            .write(toFile: folder + "/shop.json", atomically: true, encoding: .utf8)
        try #"{name: "egress-dns", steps: [{request: {url: "{{httpbin}}/get"}}]}"#.write(toFile: folder + "/dns.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["validate", folder] + TestServers.varArguments)
        #expect(output.status == 2)
        #expect(output.stdout.contains("did you mean 'egress-dns'?"), "\(output.stdout)")
    }

    /// `canary=STATE` of each state change, in order.
    static func changes(_ events: [[String: Any]]) -> [String] {
        events.filter { $0["detail-type"] as? String == "Canary Alarm State Change" }.compactMap { event in
            guard let detail = event["detail"] as? [String: Any] else { return nil }
            return "\(detail["canary"] ?? "")=\(detail["state"] ?? "")"
        }
    }
}
