import Foundation
import Testing

/// Issue 13, the scenario: two canaries, `shop` depending on `dns`, a `--maintenance` window over
/// the first run, degraded runs and a reminder. The events (events.jsonl and a webhook) and the
/// notifications that come through the real Alertmanager are exactly those the README documents.
/// In AlertmanagerTests' suite (serialized): the Alertmanager notifies one receiver port.
extension AlertmanagerTests {
    @Test("the scenario: maintenance, dependency held, degraded passes, a reminder; exactly the documented events and notifications")
    func scenario() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let events = try WebhookReceiver(mode: "record", folder: folder)
        defer { events.stop() }
        let notified = try WebhookReceiver(mode: "record", folder: folder, port: AlertmanagerAPI.receiverPort)
        defer { notified.stop() }
        // Names of their own: the Alertmanager keeps alerts of earlier tests and runs.
        let id = UUID().uuidString.prefix(8).lowercased()
        let dns = "dns-\(id)", shop = "shop-\(id)"
        try #"{name: "\#(dns)", tags: {scenario: "\#(id)"}, steps: [{request: {url: "{{httpbin}}/status/{{dnsStatus}}"}}]}"#
            .write(toFile: folder + "/dns.json", atomically: true, encoding: .utf8)
        try #"""
            {name: "\#(shop)", tags: {scenario: "\#(id)"}, dependsOn: ["\#(dns)"], alarm: {remindEvery: "2s"},
             steps: [{name: "cart", request: {url: "{{httpbin}}/status/{{shopStatus}}"}, warn: {status: 200}}]}
            """#.write(toFile: folder + "/shop.json", atomically: true, encoding: .utf8)
        let window = { (from: Date, to: Date) in
            try #"[{from: "\#(AlarmTime.text(from))", to: "\#(AlarmTime.text(to))", tags: {scenario: "\#(id)"}}]"#
                .write(toFile: folder + "/maintenance.json5", atomically: true, encoding: .utf8)
        }
        // Variables of their own: TestServers.variables has a `dns` (the test DNS server), and
        // its --var arguments come last, so they would win.
        let run = { (dnsStatus: Int, shopStatus: Int) in
            _ = try await CLI.run(["run", folder + "/shop.json", folder + "/dns.json", "--results", folder + "/r",
                                   "--maintenance", folder + "/maintenance.json5", "--webhook", events.url,
                                   "--alertmanager", AlertmanagerAPI.url, "--var", "dnsStatus=\(dnsStatus)", "--var", "shopStatus=\(shopStatus)"]
                                  + TestServers.varArguments)
        }
        // 1. In the window, both down: recorded with maintenance: true, nothing sent.
        try window(Date().addingTimeInterval(-3600), Date().addingTimeInterval(3600))
        try await run(503, 503)
        let metrics = try String(contentsOfFile: folder + "/r/metrics.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_in_maintenance{canary="\#(shop)",scenario="\#(id)"} 1"#), "\(metrics)")
        try window(Date().addingTimeInterval(-7200), Date().addingTimeInterval(-3600))
        // 2. After it: both pass, shop degraded (201 misses warn status 200): a passing datapoint.
        try await run(200, 201)
        // 3. dns down, shop down with it: dns alarms, shop's failure is held (suppressedBy).
        try await run(503, 503)
        // 4. dns back, shop still down: dns OK, and now shop alarms.
        try await run(200, 503)
        // 5. shop still down 2 s later (remindEvery 2s): a reminder.
        try await Task.sleep(for: .milliseconds(3200))
        try await run(200, 503)
        // 6. shop passes again (degraded): OK.
        try await run(200, 201)

        let runs = EventsFiles.runRecords(folder + "/r")
        let shopRuns = runs.filter { $0["canary"] as? String == shop }
        #expect(shopRuns.map { $0["maintenance"] as? Bool ?? false } == [true, false, false, false, false, false])
        #expect(shopRuns.map { $0["degraded"] as? Bool ?? false } == [false, true, false, false, false, true])
        #expect(shopRuns.map { ($0["suppressedBy"] as? [String])?.joined() ?? "" } == ["", "", dns, "", "", ""])
        let expected = [
            "\(dns) Canary Alarm State Change INSUFFICIENT_DATA→OK", "\(shop) Canary Alarm State Change INSUFFICIENT_DATA→OK",
            "\(dns) Canary Alarm State Change OK→ALARM",
            "\(dns) Canary Alarm State Change ALARM→OK", "\(shop) Canary Alarm State Change OK→ALARM",
            "\(shop) Canary Alarm Reminder ALARM→ALARM",
            "\(shop) Canary Alarm State Change ALARM→OK",
        ]
        #expect(Self.lines(EventsFiles.jsonLines(folder + "/r/events.jsonl")) == expected)
        // The webhook gets each canary's events in order (canaries are delivered in parallel).
        for name in [dns, shop] {
            #expect(Self.lines(events.received).filter { $0.hasPrefix(name + " ") } == expected.filter { $0.hasPrefix(name + " ") })
        }
        // Through the Alertmanager: dns fired and resolved, then shop fired and resolved; the
        // reminder's re-post is no new notification (repeat_interval 1h).
        let want = ["\(dns) firing", "\(dns) resolved", "\(shop) firing", "\(shop) resolved"]
        for _ in 0..<100 where Set(Self.notifications(notified.received, dns, shop)) != Set(want) {
            try await Task.sleep(for: .milliseconds(100))
        }
        let got = Self.notifications(notified.received, dns, shop)
        #expect(got.filter { $0.hasPrefix(dns) } == Array(want.prefix(2)), "\(got)")
        #expect(got.filter { $0.hasPrefix(shop) } == Array(want.suffix(2)), "\(got)")
    }

    /// `canary detail-type previous→state` of each event.
    static func lines(_ events: [[String: Any]]) -> [String] {
        events.compactMap { event in
            guard let detail = event["detail"] as? [String: Any], let type = event["detail-type"] as? String else { return nil }
            return "\(detail["canary"] ?? "") \(type) \(detail["previousState"] ?? "")→\(detail["state"] ?? "")"
        }
    }

    /// `canary status` of each Alertmanager notification about `names`.
    static func notifications(_ bodies: [[String: Any]], _ names: String...) -> [String] {
        bodies.flatMap { body -> [String] in
            let status = body["status"] as? String ?? ""
            return (body["alerts"] as? [[String: Any]] ?? []).compactMap { alert in
                guard let canary = (alert["labels"] as? [String: String])?["canary"], names.contains(canary) else { return nil }
                return "\(canary) \(status)"
            }
        }
    }
}
