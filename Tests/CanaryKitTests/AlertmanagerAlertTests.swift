import Foundation
import Testing
@testable import CanaryKit

/// What a run sends Alertmanager (issue 13.1): firing while in ALARM, resolved on the way out.
@Suite("Alertmanager alerts from alarm states")
struct AlertmanagerAlertTests {
    static func state(_ state: AlarmState, recent: [Bool], since: String = "2026-11-22T14:20:00Z") -> CanaryState {
        CanaryState(recent: recent, state: state, since: since)
    }

    static func alert(passed: Bool, before: CanaryState, after: CanaryState, tags: [String: String] = ["team": "payments"]) -> AlertmanagerAlert? {
        var run = AlarmTestRuns.run(passed: passed)
        run.tags = tags
        return AlertmanagerAlert.forRun(
            run, before: before, after: after, severity: "page", lifetime: .seconds(180), reportURL: nil, now: AlarmTestRuns.time())
    }

    @Test("in ALARM: firing, ends three intervals ahead, starts when the alarm began, names the step and message")
    func firing() throws {
        let alert = try #require(Self.alert(
            passed: false, before: Self.state(.alarm, recent: [false]), after: Self.state(.alarm, recent: [false, false])))
        #expect(alert.labels == ["alertname": "CanaryFailing", "canary": "checkout", "severity": "page", "team": "payments"])
        #expect(alert.annotations["step"] == "login")
        #expect(alert.annotations["message"] == "status: expected 200, got 503")
        #expect(alert.annotations["summary"] == "canary checkout is failing: 2 of its last 2 runs failed")
        #expect(alert.startsAt == "2026-11-22T14:20:00Z")
        #expect(alert.endsAt == "2026-11-22T14:31:41Z")
    }

    @Test("ALARM → OK: resolved, ending now; OK → OK and INSUFFICIENT_DATA → OK: nothing")
    func resolved() throws {
        let alert = try #require(Self.alert(passed: true, before: Self.state(.alarm, recent: [false]), after: Self.state(.ok, recent: [false, true], since: "2026-11-22T14:28:41Z")))
        #expect(alert.endsAt == "2026-11-22T14:28:41Z")
        #expect(alert.startsAt == "2026-11-22T14:20:00Z")
        #expect(alert.annotations["message"] == nil)
        #expect(Self.alert(passed: true, before: Self.state(.ok, recent: [true]), after: Self.state(.ok, recent: [true, true])) == nil)
        #expect(Self.alert(passed: true, before: CanaryState(), after: Self.state(.ok, recent: [true])) == nil)
    }

    @Test("tags become labels but never replace alertname, canary or severity")
    func tagsDoNotOverride() throws {
        let alert = try #require(Self.alert(
            passed: false, before: CanaryState(), after: Self.state(.alarm, recent: [false]),
            tags: ["severity": "low", "alertname": "Other", "location": "eu-west-1", "team name": "web"]))
        #expect(alert.labels["severity"] == "page")
        #expect(alert.labels["alertname"] == "CanaryFailing")
        #expect(alert.labels["location"] == "eu-west-1")
        #expect(alert.labels["team_name"] == "web")
    }

    @Test("an alert lasts three intervals, at least a minute; five minutes without a schedule")
    func lifetime() {
        func canary(_ schedule: Schedule?) -> Canary { Canary(name: "c", file: "c.json", schedule: schedule, steps: []) }
        #expect(AlertmanagerAlert.lifetime(of: canary(.rate(.seconds(300), source: "rate(5 minutes)"))) == .seconds(900))
        #expect(AlertmanagerAlert.lifetime(of: canary(.rate(.seconds(10), source: "rate(10 seconds)"))) == .seconds(60))
        #expect(AlertmanagerAlert.lifetime(of: canary(nil)) == .seconds(300))
    }

    @Test("alarm.severity is a word: loaded into the rule, anything else a load error naming the fix")
    func severityKey() {
        let (canary, _) = loadCanary(#"{steps: [{request: {url: "http://x/"}}], alarm: {severity: "warning"}}"#)
        #expect(canary?.alarm.severity == "warning")
        let problems = loadProblems(#"{steps: [{request: {url: "http://x/"}}], alarm: {severity: "very bad"}}"#)
        #expect(problems.map(\.message) == [#"'severity' is a word such as critical, warning or info (letters, digits, - and _, at most 40), found "very bad""#])
    }
}
