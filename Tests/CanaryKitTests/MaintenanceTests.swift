import Foundation
import Testing
@testable import CanaryKit

/// Maintenance windows (issue 13.4): which times they cover, and the alarm holding in them.
@Suite("maintenance windows")
struct MaintenanceTests {
    static func date(_ text: String) -> Date { RunID.date(fromISO8601: text) ?? Date.distantPast }

    @Test("a weekly cron window covers its two hours and nothing else; a fixed one excludes its end", arguments: [
        ("2026-11-29T02:00:00Z", true), ("2026-11-29T03:59:59Z", true), ("2026-11-29T04:00:00Z", false),
        ("2026-11-29T01:59:59Z", false), ("2026-11-30T02:30:00Z", false),
    ])
    func weekly(time: String, covered: Bool) throws {
        let (canary, problems) = loadCanary(#"{steps: [{request: {url: "http://x/"}}], maintenance: [{cron: "0 2 * * 0", duration: "2h"}]}"#)
        #expect(problems.isEmpty, "\(problems)")
        let window = try #require(canary?.maintenance.first)
        #expect(window.covers(Self.date(time)) == covered)  // 2026-11-29 is a Sunday
    }

    @Test("a fixed window is [from, to)")
    func fixed() {
        let window = MaintenanceWindow.once(from: Self.date("2026-12-01T02:00:00Z"), to: Self.date("2026-12-01T04:00:00Z"))
        #expect(window.covers(Self.date("2026-12-01T02:00:00Z")))
        #expect(!window.covers(Self.date("2026-12-01T04:00:00Z")))
    }

    @Test("a window is cron with duration or from with to; anything else is a load error", arguments: [
        #"[{cron: "0 2 * * 0"}]"#, #"[{from: "2026-12-01T02:00:00Z", duration: "1h"}]"#, #"[{from: "2026-12-01T04:00:00Z", to: "2026-12-01T02:00:00Z"}]"#,
        #"[{cron: "0 25 * * *", duration: "1h"}]"#, #"[{from: "yesterday", to: "2026-12-01T02:00:00Z"}]"#, #"{cron: "0 2 * * 0", duration: "2h"}"#,
    ])
    func invalid(windows: String) {
        #expect(!loadProblems(#"{steps: [{request: {url: "http://x/"}}], maintenance: \#(windows)}"#).isEmpty)
    }

    @Test("in a window: counted but no datapoint, so ALARM holds (no event); after it, the state is evaluated afresh")
    func alarmHolds() {
        let rule = AlarmRule(evaluationPeriods: 3, datapointsToAlarm: 2)
        var state = CanaryState()
        for _ in 0..<2 { state = AlarmEvaluator.record(AlarmTestRuns.run(passed: false), rule: rule, into: state, now: AlarmTestRuns.time()).0 }
        #expect(state.state == .alarm)
        var held = AlarmTestRuns.run(passed: true)
        held.maintenance = true
        let (during, event) = AlarmEvaluator.record(held, rule: rule, into: state, now: AlarmTestRuns.time(60))
        #expect(event == nil && during.state == .alarm && during.maintenance == true)
        #expect(during.runsPassed == 1 && during.recent == [false, false])
        // One failure after the window: 1 of 1 fresh outcomes, under 2, so OK.
        let (after, change) = AlarmEvaluator.record(AlarmTestRuns.run(passed: false), rule: rule, into: during, now: AlarmTestRuns.time(120))
        #expect(after.state == .ok && after.recent == [false] && after.maintenance == nil)
        #expect(change?.detail.previousState == .alarm)
    }

    @Test("no reminder and no Alertmanager post from a run in a window")
    func heldSinks() {
        var run = AlarmTestRuns.run(passed: false)
        run.maintenance = true
        let alarm = CanaryState(recent: [false], state: .alarm, since: "2026-11-22T10:00:00Z")
        #expect(AlarmReminder.event(for: run, before: alarm, after: alarm, every: .seconds(60), now: AlarmTestRuns.time()) == nil)
        #expect(AlertmanagerAlert.forRun(run, before: alarm, after: alarm, severity: "critical", lifetime: .seconds(60), reportURL: nil, now: AlarmTestRuns.time()) == nil)
    }
}
