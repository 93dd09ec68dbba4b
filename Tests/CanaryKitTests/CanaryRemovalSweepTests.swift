import Foundation
import Testing
@testable import CanaryKit

/// Issue 24 item 3: which canaries count as gone, and when the grace ends.
@Suite("Removed canaries: the sweep")
struct CanaryRemovalSweepTests {
    private func canary(_ name: String, file: String) -> Canary {
        var canary = CanaryLoader.load(source: Array("{steps: [{request: {url: 'http://x'}}]}".utf8), file: file).0!
        canary.name = name
        return canary
    }

    private func state(file: String, goneSince: String? = nil) -> CanaryState {
        var state = CanaryState(state: .alarm)
        state.file = file
        state.goneSince = goneSince
        return state
    }

    @Test("gone: not loaded and its file missing, or its file loaded under another name; not gone: loaded, file broken or not named, or state without a file",
          arguments: [
            ("x", "/c/x.json", [("x", "/c/x.json")], Set<String>(), false),
            ("x", "/c/x.json", [("y", "/c/y.json")], Set<String>(), true),
            ("x", "/c/x.json", [("y", "/c/x.json")], Set(["/c/x.json"]), true),
            ("x", "/c/x.json", [("y", "/c/y.json")], Set(["/c/x.json"]), false),
            ("x", "", [], Set<String>(), false),
          ])
    func gone(name: String, file: String, loaded: [(String, String)], existing: Set<String>, expected: Bool) {
        let inventory = CanaryInventory(loaded.map { canary($0.0, file: $0.1) })
        #expect(CanaryRemoval.isGone(name, state(file: file), in: inventory, fileExists: existing.contains) == expected)
    }

    @Test("a gone canary is marked first, removed once the grace has passed, and unmarked when it comes back")
    func grace() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var states = ["x": state(file: "/c/x.json")]
        let none = CanaryInventory([])
        #expect(CanaryRemoval.sweep(&states, inventory: none, grace: .seconds(600), now: start, fileExists: { _ in false }).isEmpty)
        #expect(states["x"]?.goneSince == RunID.iso8601(start))
        #expect(CanaryRemoval.sweep(&states, inventory: none, grace: .seconds(600), now: start + 599, fileExists: { _ in false }).isEmpty)
        #expect(CanaryRemoval.due(states, grace: .seconds(600), now: start + 600))

        var back = states
        _ = CanaryRemoval.sweep(&back, inventory: CanaryInventory([canary("x", file: "/c/renamed.json")]), grace: .seconds(600), now: start + 700)
        #expect(back["x"] != nil && back["x"]?.goneSince == nil)

        let removed = CanaryRemoval.sweep(&states, inventory: none, grace: .seconds(600), now: start + 600, fileExists: { _ in false })
        #expect(removed.map(\.name) == ["x"] && states.isEmpty)
        #expect(removed.first?.event.detailType == "Canary Removed")
        #expect(removed.first?.event.detail.previousState == .alarm)
    }
}
