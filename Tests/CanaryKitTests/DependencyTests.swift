import Foundation
import Testing
@testable import CanaryKit

/// `dependsOn` (issue 13.6): while a dependency is in ALARM, a dependent's change to ALARM is held.
@Suite("dependencies between canaries")
struct DependencyTests {
    static func suppressed(_ passed: Bool) -> RunRecord {
        var run = AlarmTestRuns.run(passed: passed)
        run.suppressedBy = ["egress-dns"]
        return run
    }

    @Test("a failing run while a dependency is in ALARM is counted but no datapoint: no change to ALARM, no event")
    func held() {
        let rule = AlarmRule(evaluationPeriods: 3, datapointsToAlarm: 1)
        let ok = CanaryState(recent: [true], state: .ok, since: "2026-11-22T10:00:00Z")
        let (next, event) = AlarmEvaluator.record(Self.suppressed(false), rule: rule, into: ok, now: AlarmTestRuns.time())
        #expect(event == nil)
        #expect(next.state == .ok && next.recent == [true] && next.runsFailed == 1 && next.last?.runId == "20261122T142841Z-3f9a")
        // Once the dependency is back, the same failure alarms, and its event names no suppressor.
        let (after, change) = AlarmEvaluator.record(AlarmTestRuns.run(passed: false), rule: rule, into: next, now: AlarmTestRuns.time(60))
        #expect(after.state == .alarm && change?.detail.suppressedBy == nil)
    }

    @Test("a dependent already in ALARM, or a passing run, is evaluated as usual; its events say suppressedBy")
    func notHeld() throws {
        let rule = AlarmRule()
        let alarm = CanaryState(recent: [false], state: .alarm, since: "2026-11-22T10:00:00Z")
        let (stays, none) = AlarmEvaluator.record(Self.suppressed(false), rule: rule, into: alarm, now: AlarmTestRuns.time())
        #expect(stays.state == .alarm && none == nil && stays.recent == [false])
        let (ok, change) = AlarmEvaluator.record(Self.suppressed(true), rule: rule, into: alarm, now: AlarmTestRuns.time())
        #expect(ok.state == .ok && change?.detail.suppressedBy == ["egress-dns"])
        let line = String(decoding: try AlarmEvent.runFinished(Self.suppressed(false), now: AlarmTestRuns.time()).jsonBytes(), as: UTF8.self)
        #expect(line.contains(#""suppressedBy":["egress-dns"]"#), "\(line)")
    }

    @Test("a batch runs dependencies before their dependents, otherwise in the given order")
    func order() {
        func canary(_ name: String, _ dependsOn: [String] = []) -> Canary {
            var canary = Canary(name: name, file: name + ".json", steps: [])
            canary.dependsOn = dependsOn
            return canary
        }
        let batch = [canary("shop", ["api"]), canary("api", ["dns"]), canary("blog"), canary("dns")]
        #expect(Canary.inDependencyOrder(batch).map(\.name) == ["dns", "api", "shop", "blog"])
    }

    @Test("unknown names (with the closest known one), a canary naming itself, and cycles are load errors naming the place")
    func loadErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deps-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = [
            "egress-dns": #"{steps: [{request: {url: "http://x/"}}]}"#,
            "shop": "{\n  dependsOn: [\"egress-dnz\"],\n  steps: [{request: {url: \"http://x/\"}}]}",
            "a": #"{dependsOn: ["b"], steps: [{request: {url: "http://x/"}}]}"#,
            "b": #"{dependsOn: ["a"], steps: [{request: {url: "http://x/"}}]}"#,
            "me": #"{dependsOn: ["me"], steps: [{request: {url: "http://x/"}}]}"#,
        ]
        for (name, text) in files { try text.write(toFile: "\(folder)/\(name).json", atomically: true, encoding: .utf8) }
        let loaded = CanaryLoader.load(paths: [folder])
        #expect(loaded.canaries.map(\.name) == ["egress-dns"])
        let messages = loaded.problems.map(\.description)
        #expect(messages.contains("\(folder)/shop.json:2:15: canary 'shop': 'dependsOn': no canary 'egress-dnz' was loaded; did you mean 'egress-dns'? (name a loaded canary, and load its file too)"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("\(folder)/a.json:1:14: canary 'a': 'dependsOn': a cycle a → b → a") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("\(folder)/b.json:1:14: canary 'b': 'dependsOn': a cycle b → a → b") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("\(folder)/me.json:1:14: canary 'me': 'dependsOn': a canary can't depend on itself") }, "\(messages)")
    }
}
