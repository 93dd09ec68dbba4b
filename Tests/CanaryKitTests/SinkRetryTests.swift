@testable import CanaryKit
import Foundation
import Testing

/// When the outbox tries a sink again: the receiver's `Retry-After`, else a doubling pause.
@Suite("sink retries")
struct SinkRetryTests {
    @Test("Retry-After in seconds or as an HTTP date; anything else counts as absent", arguments: [
        ("1", Duration.seconds(1)), (" 120 ", .seconds(120)), ("0", .zero),
        ("Tue, 01 Dec 2026 12:00:30 GMT", .seconds(30)), ("Tue, 01 Dec 2026 11:00:00 GMT", .zero),
    ])
    func retryAfter(value: String, expected: Duration) {
        let now = Date(timeIntervalSince1970: 1_796_126_400)  // 2026-12-01T12:00:00Z
        #expect(WebhookDelivery.retryAfter(value, now: now) == expected)
    }

    @Test("a Retry-After that is neither is ignored", arguments: ["-1", "soon", "", "1.5"])
    func badRetryAfter(value: String) {
        #expect(WebhookDelivery.retryAfter(value) == nil)
    }

    @Test("without Retry-After: 0.5 s, 1 s, 2 s … and never more than 60 s")
    func backoff() {
        #expect((1...4).map { OutboxPass.backoff(afterAttempt: $0) } == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        #expect(OutboxPass.backoff(afterAttempt: 40) == .seconds(60))
    }
}
