import Testing
@testable import CanaryKit

@Suite("Durations")
struct DurationTests {
    @Test("duration text parses to milliseconds", arguments: [
        ("250ms", 250.0), ("5s", 5_000), ("1.5s", 1_500), ("2m", 120_000), ("1h", 3_600_000),
        ("14d", 1_209_600_000), ("0s", 0), ("0.5ms", 0.5), ("10.25m", 615_000),
    ])
    func parses(text: String, milliseconds: Double) throws {
        let duration = try #require(Duration(humanText: text))
        #expect(duration.milliseconds == milliseconds)
    }

    @Test("anything else is rejected", arguments: [
        "", "5", "s", "5 s", "5sec", "5S", ".5s", "5.s", "1.2.3s", "-1s", "+1s", "1e3ms", "5ms ", "99999999999d",
    ])
    func rejects(text: String) {
        #expect(Duration(humanText: text) == nil)
    }

    @Test("durations are written with the largest exact unit", arguments: [
        (Duration.milliseconds(250), "250ms"), (.milliseconds(1500), "1.5s"), (.seconds(120), "2m"),
        (.seconds(90), "1.5m"), (.seconds(100), "100s"), (.seconds(3600), "1h"), (.seconds(14 * 86_400), "14d"),
        (.milliseconds(1234), "1.234s"), (.zero, "0ms"), (.microseconds(500), "0.5ms"), (.seconds(36 * 3600), "1.5d"),
    ])
    func formats(duration: Duration, text: String) {
        #expect(duration.humanText == text)
    }

    @Test("written text parses back to the same duration", arguments: ["250ms", "1.5s", "2m", "14d", "1.234s", "100s"])
    func roundTrip(text: String) throws {
        #expect(try #require(Duration(humanText: text)).humanText == text)
    }
}
