import Foundation
import Testing
@testable import CanaryKit

/// `--maintenance FILE` (issue 13.4): a fleet's windows, each for the canaries its tags select.
@Suite("maintenance file for a fleet")
struct MaintenanceFileTests {
    static func canary(_ name: String, tags: [(key: String, value: String)]) -> Canary {
        Canary(name: name, file: name + ".json", tags: tags, steps: [])
    }

    @Test("a window with tags applies to the canaries that carry every one of them; one without tags to all")
    func selection() throws {
        let text = """
            // windows for the whole fleet
            [
              {cron: "0 2 * * 0", duration: "2h", tags: {team: "payments", location: "eu-west-1"}},
              {from: "2026-12-01T02:00:00Z", to: "2026-12-01T04:00:00Z"},
            ]
            """
        let windows = try MaintenanceFile.parse(Array(text.utf8), file: "m.json5").get()
        #expect(windows.count == 2)
        let payments = Self.canary("pay", tags: [("team", "payments"), ("location", "eu-west-1")])
        let elsewhere = Self.canary("pay-us", tags: [("team", "payments"), ("location", "us-east-1")])
        #expect(MaintenanceFile.applying(windows, to: [payments, elsewhere]).map(\.maintenance.count) == [2, 1])
    }

    @Test("problems name the file, line and column, and the fix", arguments: [
        (#"[{cron: "0 2 * * 0", duration: "2h", tag: {team: "x"}}]"#, "m.json5:1:38: unknown key 'tag' in a maintenance window; did you mean 'tags'?"),
        (#"[{cron: "0 2 * * 0"}]"#, "m.json5:1:2: a maintenance window is"),
        (#"{cron: "0 2 * * 0", duration: "2h"}"#, "m.json5:1:1: a maintenance file is a list of windows"),
        (#"[{from: "2026-12-01T02:00:00Z", to: "2026-12-01T04:00:00Z", tags: {team: ["x"]}}]"#, "m.json5:1:"),
        ("[{cron: ", "m.json5:1:"),
    ])
    func problems(text: String, expected: String) {
        guard case .failure(let failure) = MaintenanceFile.parse(Array(text.utf8), file: "m.json5") else {
            Issue.record("\(text) loaded")
            return
        }
        #expect(failure.list.contains { "\($0)".hasPrefix(expected) }, "\(failure.list)")
    }
}
