import Foundation
import Testing
@testable import CanaryKit

/// Issue 24 item 4: how many due times a canary missed while nothing ran it. The latest due time
/// is the run starting now, so one lost cron tick is no missing data; two in a row are.
@Suite("missed runs while stopped: the count")
struct MissedWhileStoppedCountTests {
    private func canary(_ schedule: String?) -> Canary {
        let key = schedule.map { "schedule: '\($0)', " } ?? ""
        return CanaryLoader.load(source: Array("{\(key)steps: [{request: {url: 'http://x'}}]}".utf8), file: "c.json").0!
    }

    private let start = Date(timeIntervalSince1970: 1_800_000_000) // 2027-01-15T08:00:00Z, on the minute

    private func state(_ alarm: AlarmState = .ok) -> CanaryState {
        CanaryState(state: alarm, last: MetricsFixtures.record("c", start: RunID.iso8601(start), steps: []))
    }

    @Test("rate(1 minute): 119 s and 120 s after the last start are no missing data (one tick lost), 180 s is 2 missed", arguments: [
        (119.0, 0), (120.0, 0), (179.0, 0), (180.0, 2), (600.0, 9),
    ])
    func rate(seconds: Double, missed: Int) {
        #expect(AlarmEvaluator.missedWhileStopped(canary("rate(1 minute)"), state: state(), now: start + seconds) == missed)
    }

    @Test("cron(*/5 * * * *) counts its fire times; no schedule, never run or already INSUFFICIENT_DATA is never missing data")
    func others() {
        #expect(AlarmEvaluator.missedWhileStopped(canary("cron(*/5 * * * *)"), state: state(), now: start + 899) == 0)
        #expect(AlarmEvaluator.missedWhileStopped(canary("cron(*/5 * * * *)"), state: state(), now: start + 900) == 2)
        #expect(AlarmEvaluator.missedWhileStopped(canary(nil), state: state(), now: start + 3600) == 0)
        #expect(AlarmEvaluator.missedWhileStopped(canary("rate(1 minute)"), state: CanaryState(state: .ok), now: start + 3600) == 0)
        #expect(AlarmEvaluator.missedWhileStopped(canary("rate(1 minute)"), state: state(.insufficientData), now: start + 3600) == 0)
    }
}
