@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// Issue 18: the runner's own limits (descriptors, ports, memory) never look like an outage.
@Suite("the runner's own limits")
struct LocalResourceTests {
    private static func inconclusiveRun(canary: String = "checkout") -> RunRecord {
        var record = AlarmTestRuns.run(passed: false, canary: canary)
        record.steps[0].failures = []
        record.steps[0].statusCode = 0
        record.steps[0].errorKind = TransferError.Kind.localResource.rawValue
        record.steps[0].error = "the runner could not get a local resource: no free local port or address (EADDRNOTAVAIL)"
        record.inconclusive = true
        return record
    }

    @Test("an inconclusive run is no datapoint: state, recent outcomes and last run stay, only its counter moves")
    func alarmIgnoresInconclusive() {
        let rule = AlarmRule(evaluationPeriods: 1, datapointsToAlarm: 1)
        let (ok, _) = AlarmEvaluator.record(AlarmTestRuns.run(passed: true), rule: rule, into: CanaryState(), now: AlarmTestRuns.time())
        let (after, event) = AlarmEvaluator.record(Self.inconclusiveRun(), rule: rule, into: ok, now: AlarmTestRuns.time(60))
        #expect(event == nil)
        #expect(after.state == .ok)
        #expect(after.recent == [true])
        #expect(after.runsFailed == 0 && after.runsPassed == 1)
        #expect(after.runsInconclusive == 1)
        #expect(after.last?.passed == true)
    }

    @Test("canary_runner_errors_total{kind=\"localResource\"} counts inconclusive runs, typed counter")
    func runnerErrorsMetric() {
        var metrics = CanaryMetrics(last: AlarmTestRuns.run(passed: true), runsPassed: 3, runsFailed: 0, alarmState: "OK")
        metrics.runsInconclusive = 2
        let text = PrometheusText.render([metrics])
        #expect(text.contains("# TYPE canary_runner_errors_total counter\n"))
        #expect(text.contains(#"canary_runner_errors_total{canary="checkout",team="payments",kind="localResource"} 2"#))
    }

    @Test("state.json keeps the inconclusive count across invocations")
    func stateKeepsCount() throws {
        var state = CanaryState()
        state.runsInconclusive = 5
        let decoded = try JSONDecoder().decode(CanaryState.self, from: JSONEncoder().encode(state))
        #expect(decoded.runsInconclusive == 5)
    }

    @Test("the console marks an inconclusive run with ? and says so; the summary counts it apart")
    func console() {
        let line = ConsoleReport.line(for: Self.inconclusiveRun())
        #expect(line.hasPrefix("? checkout"))
        #expect(line.contains("inconclusive"))
        #expect(line.contains("EADDRNOTAVAIL"))
        #expect(ConsoleReport.summary(passed: 3, failed: 0, inconclusive: 2, elapsedMs: 1000) == "3 passed, 0 failed, 2 inconclusive (5 canaries in 1s)")
    }

    @Test("the HTML report shows an inconclusive last run as ?, not failing, and keeps it out of the success rate")
    func htmlReport() {
        let runs = [AlarmTestRuns.run(passed: true, runId: "20261122T142841Z-0001"), Self.inconclusiveRun()]
        let html = HTMLReport.render(records: runs, generatedAt: AlarmTestRuns.time(), skippedLines: 0)
        #expect(html.contains("1 passing, 0 failing"))
        #expect(html.contains("title=\"inconclusive: the runner lacked a resource\">?</span>"))
        #expect(html.contains("last run inconclusive"))
        #expect(html.contains("100% (1 of 1)"))
        #expect(html.contains("No failures in the recorded runs."))
    }

    @Test("JUnit: a step the runner could not carry out is skipped with the reason, not an error")
    func junit() {
        let xml = JUnitReport.render([Self.inconclusiveRun()])
        #expect(xml.contains("failures=\"0\" errors=\"0\" skipped=\"1\""))
        #expect(xml.contains("<skipped message=\"inconclusive: the runner could not get a local resource"))
    }

    @Test("a run event for an inconclusive run says so instead of \"Canary Run Failed\"")
    func runEvent() {
        #expect(AlarmEvent.runFinished(Self.inconclusiveRun(), now: AlarmTestRuns.time()).detailType == "Canary Run Inconclusive")
    }

    @Test("a run is inconclusive only when every failed step failed for want of a local resource")
    func inconclusiveRule() {
        let local = StepRecord(name: "a", outcome: .failed, statusCode: 0, timings: Timings(), failures: [], error: "x",
                               errorKind: TransferError.Kind.localResource.rawValue)
        let refused = StepRecord(name: "b", outcome: .failed, statusCode: 0, timings: Timings(), failures: [], error: "y",
                                 errorKind: TransferError.Kind.connectionRefused.rawValue)
        let canary = Canary(name: "c", file: "c.json", steps: [])
        var output = StepsOutput(canary: canary)
        #expect(!output.isInconclusive)
        output.steps = [local, .skipped("b")]
        #expect(output.isInconclusive)
        output.steps = [local, refused]
        #expect(!output.isInconclusive)
    }

    @Test("--jobs is capped to what the open-file limit allows, with one notice", arguments: [
        (256, 0, 1000, 48), (256, 200, 1000, 1), (20000, 10, 1000, 1000), (1024, 0, 32, 32),
    ])
    func jobsBudget(limit: Int, open: Int, asked: Int, expected: Int) {
        let (jobs, notice) = DescriptorBudget(openFileLimit: limit, alreadyOpen: open).cap(jobs: asked)
        #expect(jobs == expected)
        #expect((notice != nil) == (expected < asked))
        if let notice { #expect(notice.contains("--jobs \(asked) lowered to \(expected)")) }
    }
}
