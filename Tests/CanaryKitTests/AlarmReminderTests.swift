import Foundation
import Testing
@testable import CanaryKit

/// `alarm.remindEvery` (issue 13.2): one reminder per period passed while the canary stays in ALARM.
@Suite("alarm reminders")
struct AlarmReminderTests {
    /// A state in ALARM since 14:28:41 whose last run ended `lastEnd` seconds after that.
    static func alarm(lastEnd: Double?) -> CanaryState {
        var state = CanaryState(recent: [false], state: .alarm, since: AlarmEvent.timestamp(AlarmTestRuns.time()))
        if let lastEnd {
            var last = AlarmTestRuns.run(passed: false)
            last.end = AlarmEvent.timestamp(AlarmTestRuns.time(lastEnd))
            state.last = last
        }
        return state
    }

    @Test("with remindEvery 1h: the first run past each hour in ALARM brings a reminder, the others none", arguments: [
        // (previous run's end, this run's time, reminder?) in seconds since the alarm began
        (3000.0, 3500.0, false), (3500.0, 3700.0, true), (3700.0, 3800.0, false), (7100.0, 7300.0, true),
        (100.0, 7300.0, true), (0.0, 60.0, false),
    ])
    func hourly(previous: Double, now: Double, expected: Bool) {
        let state = Self.alarm(lastEnd: previous)
        let event = AlarmReminder.event(
            for: AlarmTestRuns.run(passed: false), before: state, after: state, every: .seconds(3600), now: AlarmTestRuns.time(now))
        #expect((event != nil) == expected)
        if let event {
            #expect(event.detailType == "Canary Alarm Reminder")
            #expect(event.detail.state == .alarm && event.detail.previousState == .alarm)
            #expect(event.detail.step == "login" && event.detail.failure == "status: expected 200, got 503")
            #expect(event.detail.reason?.hasPrefix("in ALARM since 2026-11-22T14:28:41Z") == true, "\(event.detail.reason ?? "")")
        }
    }

    @Test("no reminder without remindEvery, on the change into ALARM, or on the way out of it")
    func none() {
        let state = Self.alarm(lastEnd: 3500)
        let run = AlarmTestRuns.run(passed: false)
        #expect(AlarmReminder.event(for: run, before: state, after: state, every: nil, now: AlarmTestRuns.time(3700)) == nil)
        #expect(AlarmReminder.event(for: run, before: CanaryState(), after: state, every: .seconds(3600), now: AlarmTestRuns.time(3700)) == nil)
        var ok = state
        ok.state = .ok
        #expect(AlarmReminder.event(for: run, before: state, after: ok, every: .seconds(3600), now: AlarmTestRuns.time(3700)) == nil)
    }

    @Test("remindEvery is a duration in the alarm block")
    func decoding() {
        let (canary, _) = loadCanary(#"{steps: [{request: {url: "http://x/"}}], alarm: {remindEvery: "1h"}}"#)
        #expect(canary?.alarm.remindEvery == .seconds(3600))
        #expect(!loadProblems(#"{steps: [{request: {url: "http://x/"}}], alarm: {remindEvery: 60}}"#).isEmpty)
    }
}

/// `alarm.degradedFails` (issue 13.3) in the pure evaluator.
@Suite("degraded runs in the alarm")
struct DegradedAlarmTests {
    @Test("a degraded run is a passing datapoint, and a failing one with degradedFails")
    func datapoint() {
        var run = AlarmTestRuns.run(passed: true)
        run.degraded = true
        let lenient = AlarmEvaluator.record(run, rule: AlarmRule(), into: CanaryState(), now: AlarmTestRuns.time()).0
        #expect(lenient.state == .ok && lenient.runsPassed == 1)
        let strict = AlarmEvaluator.record(run, rule: AlarmRule(degradedFails: true), into: CanaryState(), now: AlarmTestRuns.time()).0
        #expect(strict.state == .alarm && strict.runsPassed == 1)
    }

    @Test("warn takes expect's queries and predicates, not visual")
    func decoding() {
        let (canary, _) = loadCanary(#"{steps: [{request: {url: "https://x/"}, warn: {duration: {lt: "300ms"}, certificate: {expiresIn: {gt: "30d"}}}}]}"#)
        #expect(canary?.steps.first?.warnings.count == 2)
        #expect(loadProblems(#"{steps: [{request: {url: "https://x/"}, warn: {visual: {}}}]}"#).contains { $0.message.hasPrefix("'visual' belongs in 'expect' only") })
    }
}
