@testable import CanaryKit
import CurlEngine
import Testing

/// Issue 22, item 6: `canary_step_phase_seconds` holds lengths, so a stacked panel of one
/// step's phases adds up to the step's time instead of counting the connection twice.
@Suite("Prometheus phases")
struct MetricsPhaseTests {
    @Test("the phases of a step are lengths that add up to its total", arguments: [
        Timings(dns: 1, connect: 2, tls: 3, firstByte: 40, transfer: 10, total: 50),
        Timings(dns: 0.5, connect: 0.25, tls: 0, firstByte: 24.25, transfer: 0.75, total: 25),
    ])
    func phasesAddUp(_ timings: Timings) {
        let record = MetricsFixtures.record("c", steps: [MetricsFixtures.step("s", timings: timings)])
        let text = PrometheusText.render([MetricsFixtures.metrics(record, state: "OK")])
        let phases = text.split(separator: "\n").filter { $0.hasPrefix("canary_step_phase_seconds{") }
        #expect(phases.map { $0.split(separator: "phase=\"")[1].prefix { $0 != "\"" } } == ["dns", "connect", "tls", "wait", "transfer"])
        let sum = phases.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(abs(sum - timings.total / 1000) < 1e-9, "\(phases)")
        #expect(text.contains("# HELP canary_step_phase_seconds ") && text.contains("wait"))
    }
}
