@testable import CanaryKit
import Foundation
import Testing

/// The event JSON of spec section 5, checked as a receiver sees it: parsed, key by key.
@Suite("alarm event JSON")
struct AlarmEventTests {
    private func object(_ event: AlarmEvent) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(try event.jsonBytes()), options: [.fragmentsAllowed])
        return try #require(parsed as? [String: Any])
    }

    private func detail(_ event: AlarmEvent) throws -> [String: Any] {
        try #require(try object(event)["detail"] as? [String: Any])
    }

    private func alarmEvent(passed: Bool, from: AlarmState, to: AlarmState) -> AlarmEvent {
        AlarmEvent.stateChange(
            of: AlarmTestRuns.run(passed: passed), from: from, to: to, reason: "2 of the last 3 runs failed",
            now: AlarmTestRuns.time())
    }

    @Test("a state change has exactly the envelope and detail keys of the spec, with its values")
    func stateChangeShape() throws {
        let event = alarmEvent(passed: false, from: .ok, to: .alarm)
        let top = try object(event)
        #expect(Set(top.keys) == ["version", "id", "detail-type", "source", "time", "account", "region", "resources", "detail"])
        // EventBridge's fields: no --account, no location tag, the canary as the resource.
        #expect(top["account"] as? String == "")
        #expect(top["region"] as? String == "")
        #expect(top["resources"] as? [String] == ["checkout"])
        #expect(top["version"] as? String == "1")
        #expect(top["detail-type"] as? String == "Canary Alarm State Change")
        #expect(top["source"] as? String == "canary")
        #expect(top["time"] as? String == "2026-11-22T14:28:41Z")
        let id = try #require(top["id"] as? String)
        #expect(UUID(uuidString: id) != nil)
        let detail = try detail(event)
        #expect(Set(detail.keys) == ["canary", "previousState", "state", "reason", "runId", "step", "failure", "tags"])
        #expect(detail["canary"] as? String == "checkout")
        #expect(detail["previousState"] as? String == "OK")
        #expect(detail["state"] as? String == "ALARM")
        #expect(detail["reason"] as? String == "2 of the last 3 runs failed")
        #expect(detail["runId"] as? String == "20261122T142841Z-3f9a")
        #expect(detail["step"] as? String == "login")
        #expect(detail["failure"] as? String == "status: expected 200, got 503")
        #expect(detail["tags"] as? [String: String] == ["team": "payments"])
    }

    @Test("back to OK keeps every key, with step and failure null")
    func clearedShape() throws {
        let detail = try detail(alarmEvent(passed: true, from: .alarm, to: .ok))
        #expect(Set(detail.keys) == ["canary", "previousState", "state", "reason", "runId", "step", "failure", "tags"])
        #expect(detail["step"] is NSNull)
        #expect(detail["failure"] is NSNull)
        #expect(detail["state"] as? String == "OK")
    }

    @Test("a failed run event names the step and the failure, with duration and passed")
    func runFailedShape() throws {
        let event = AlarmEvent.runFinished(AlarmTestRuns.run(passed: false), now: AlarmTestRuns.time())
        #expect(try object(event)["detail-type"] as? String == "Canary Run Failed")
        let detail = try detail(event)
        #expect(Set(detail.keys) == ["canary", "runId", "durationMs", "passed", "step", "failure", "tags"])
        #expect(detail["passed"] as? Bool == false)
        #expect(detail["durationMs"] as? Double == 1234)
        #expect(detail["step"] as? String == "login")
        #expect(detail["failure"] as? String == "status: expected 200, got 503")
    }

    @Test("a succeeded run event has the same keys, step and failure null")
    func runSucceededShape() throws {
        let event = AlarmEvent.runFinished(AlarmTestRuns.run(passed: true), now: AlarmTestRuns.time())
        #expect(try object(event)["detail-type"] as? String == "Canary Run Succeeded")
        let detail = try detail(event)
        #expect(Set(detail.keys) == ["canary", "runId", "durationMs", "passed", "step", "failure", "tags"])
        #expect(detail["passed"] as? Bool == true)
        #expect(detail["step"] is NSNull)
    }

    @Test("a run that failed before any step has a failure and no step")
    func runLevelFailure() throws {
        var run = AlarmTestRuns.run(passed: false)
        run.steps = []
        run.error = "timeout: the canary took longer than 60s"
        let detail = try detail(AlarmEvent.runFinished(run, now: AlarmTestRuns.time()))
        #expect(detail["step"] is NSNull)
        #expect(detail["failure"] as? String == "timeout: the canary took longer than 60s")
    }

    @Test("an event is one line and decodes back to itself; ids differ between runs and kinds, and are the same when remade for the same run")
    func roundTrip() throws {
        let event = alarmEvent(passed: false, from: .insufficientData, to: .alarm)
        let bytes = try event.jsonBytes()
        #expect(!bytes.contains(UInt8(ascii: "\n")))
        #expect(try JSONDecoder().decode(AlarmEvent.self, from: Data(bytes)) == event)
        // Rebuilt from runs.jsonl after a crash, the event keeps its id, so receivers de-duplicate.
        #expect(alarmEvent(passed: false, from: .insufficientData, to: .alarm).id == event.id)
        var other = AlarmTestRuns.run(passed: false)
        other.runId += "-next"
        let later = AlarmEvent.stateChange(of: other, from: .ok, to: .alarm, reason: "", now: AlarmTestRuns.time())
        #expect(later.id != event.id)
        #expect(AlarmEvent.runFinished(AlarmTestRuns.run(passed: false), now: AlarmTestRuns.time()).id != event.id)
        var located = AlarmTestRuns.run(passed: false)
        located.tags["location"] = "eu-west-1"
        #expect(AlarmEvent.runFinished(located, now: AlarmTestRuns.time()).region == "eu-west-1")
    }
}
