@testable import CanaryKit
import Foundation
import Testing

/// The alarm state machine of spec section 5, by tables: runs in, states and events out.
@Suite("alarm evaluation")
struct AlarmEvaluatorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var periods: Int
        var datapoints: Int
        /// "F" failed, "P" passed, oldest first.
        var runs: String
        /// The state after each run.
        var states: [AlarmState]
        /// "previous→state reason" for each run that produced an event, nil where none.
        var events: [String?]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "spec: 2 of 3, failing, failing, passing, passing alarms after the 2nd and clears after the 4th",
            periods: 3, datapoints: 2, runs: "FFPP", states: [.ok, .alarm, .alarm, .ok],
            events: ["INSUFFICIENT_DATA→OK 1 of the last 1 run failed", "OK→ALARM 2 of the last 2 runs failed", nil, "ALARM→OK 1 of the last 3 runs failed"]),
        Case(
            name: "1 of 1: a failing first run leaves INSUFFICIENT_DATA for ALARM, with an event",
            periods: 1, datapoints: 1, runs: "FP", states: [.alarm, .ok],
            events: ["INSUFFICIENT_DATA→ALARM 1 of the last 1 run failed", "ALARM→OK 0 of the last 1 run failed"]),
        Case(
            name: "a passing first run leaves INSUFFICIENT_DATA for OK, with an event (as CloudWatch)", periods: 1, datapoints: 1, runs: "PP",
            states: [.ok, .ok], events: ["INSUFFICIENT_DATA→OK 0 of the last 1 run failed", nil]),
        Case(
            name: "3 of 3 needs three failures in a row", periods: 3, datapoints: 3, runs: "FFPFFF",
            states: [.ok, .ok, .ok, .ok, .ok, .alarm],
            events: ["INSUFFICIENT_DATA→OK 1 of the last 1 run failed", nil, nil, nil, nil, "OK→ALARM 3 of the last 3 runs failed"]),
        Case(
            name: "2 of 5 counts failures that are not consecutive", periods: 5, datapoints: 2, runs: "FPPFPPPPP",
            states: [.ok, .ok, .ok, .alarm, .alarm, .ok, .ok, .ok, .ok],
            events: ["INSUFFICIENT_DATA→OK 1 of the last 1 run failed", nil, nil, "OK→ALARM 2 of the last 4 runs failed", nil, "ALARM→OK 1 of the last 5 runs failed", nil, nil, nil]),
        Case(
            name: "a lasting failure alarms once", periods: 2, datapoints: 1, runs: "PFFFF",
            states: [.ok, .alarm, .alarm, .alarm, .alarm],
            events: ["INSUFFICIENT_DATA→OK 0 of the last 1 run failed", "OK→ALARM 1 of the last 2 runs failed", nil, nil, nil]),
    ]

    @Test("state and events after each run", arguments: cases)
    func sequence(_ test: Case) {
        let rule = AlarmRule(evaluationPeriods: test.periods, datapointsToAlarm: test.datapoints)
        var state = CanaryState()
        var states: [AlarmState] = []
        var events: [String?] = []
        for (index, outcome) in test.runs.enumerated() {
            let run = AlarmTestRuns.run(passed: outcome == "P", runId: "run-\(index)")
            let (next, event) = AlarmEvaluator.record(run, rule: rule, into: state, now: AlarmTestRuns.time(Double(index)))
            states.append(next.state)
            events.append(event.map { "\($0.detail.previousState?.rawValue ?? "-")→\($0.detail.state?.rawValue ?? "-") \($0.detail.reason ?? "-")" })
            if let event { #expect(event.detail.runId == "run-\(index)") }
            #expect(next.recent.count == min(index + 1, test.periods))
            state = next
        }
        #expect(states == test.states)
        #expect(events == test.events)
        #expect(state.runsPassed == test.runs.filter { $0 == "P" }.count)
        #expect(state.runsFailed == test.runs.filter { $0 == "F" }.count)
    }

    @Test("the run is counted, kept as the last one, and its tags kept; since moves only on a change")
    func bookkeeping() {
        let rule = AlarmRule(evaluationPeriods: 3, datapointsToAlarm: 2)
        let (first, _) = AlarmEvaluator.record(AlarmTestRuns.run(passed: true), rule: rule, into: CanaryState(), now: AlarmTestRuns.time())
        #expect(first.since == "2026-11-22T14:28:41Z")
        #expect(first.last?.runId == "20261122T142841Z-3f9a")
        #expect(first.tags == ["team": "payments"])
        let (second, event) = AlarmEvaluator.record(
            AlarmTestRuns.run(passed: true, runId: "second"), rule: rule, into: first, now: AlarmTestRuns.time(60))
        #expect(event == nil)
        #expect(second.since == "2026-11-22T14:28:41Z")
        #expect(second.last?.runId == "second")
        #expect(second.recent == [true, true])
        #expect(second.runCount == 2)
    }

    @Test("a shrunk evaluationPeriods trims the kept outcomes instead of failing")
    func ruleShrinks() {
        let old = CanaryState(recent: Array(repeating: false, count: 10), state: .alarm, since: "x", runsPassed: 0, runsFailed: 10)
        let (next, event) = AlarmEvaluator.record(
            AlarmTestRuns.run(passed: true), rule: AlarmRule(evaluationPeriods: 2, datapointsToAlarm: 2),
            into: old, now: AlarmTestRuns.time())
        #expect(next.recent == [false, true])
        #expect(next.state == .ok)
        #expect(event?.detail.reason == "1 of the last 2 runs failed")
    }

    @Test("an out-of-range rule is clamped, not trusted", arguments: [(0, 0), (-3, 7), (2, 9)])
    func oddRules(periods: Int, datapoints: Int) {
        let rule = AlarmRule(evaluationPeriods: periods, datapointsToAlarm: datapoints)
        var state = CanaryState()
        for _ in 0..<3 {
            state = AlarmEvaluator.record(AlarmTestRuns.run(passed: false), rule: rule, into: state, now: AlarmTestRuns.time()).0
        }
        #expect(state.recent.count == max(1, periods))
        #expect(state.state == .alarm)
    }

    @Test("OK after a canary went INSUFFICIENT_DATA (missed runs) is an event; only the first ever run is silent")
    func recoveryFromInsufficientData() {
        let stale = CanaryState(recent: [true], state: .insufficientData, since: "x", runsPassed: 4, runsFailed: 0)
        let (next, event) = AlarmEvaluator.record(
            AlarmTestRuns.run(passed: true), rule: AlarmRule(), into: stale, now: AlarmTestRuns.time())
        #expect(next.state == .ok)
        #expect(event?.detail.previousState == .insufficientData)
        #expect(event?.detail.state == .ok)
    }
}
