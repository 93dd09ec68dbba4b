import CurlEngine
import Foundation

/// Posts alerts to every `--alertmanager` (both of an HA pair get each alert, as Prometheus
/// sends them), retried like a webhook within the sink timeout. Nothing is queued in the outbox:
/// a firing alert is re-sent with the next run anyway, and one that was not re-sent ends by itself
/// at its `endsAt`.
struct AlertmanagerPost: Sendable {
    let urls: [String]
    let engine: CurlEngine
    let timeout: Duration

    /// Each URL's problem, nil for the ones that took the alerts.
    func send(_ alerts: [AlertmanagerAlert]) async -> [(url: String, problem: String?)] {
        guard !alerts.isEmpty, !urls.isEmpty else { return [] }
        let payload: [UInt8]
        do {
            payload = try RecordJSON.bytes(alerts)
        } catch {
            return urls.map { ($0, "the alerts cannot be encoded as JSON: \(error)") }
        }
        let deadline = ContinuousClock.now + timeout
        let session = engine.makeSession()
        defer { engine.close(session) }
        let delivery = WebhookDelivery(engine: engine, session: session)
        return await withTaskGroup(of: (Int, String?).self) { group in
            for (index, url) in urls.enumerated() {
                group.addTask { (index, await Self.post(payload, to: Self.endpoint(url), with: delivery, until: deadline)) }
            }
            var results = urls.map { (url: $0, problem: String?.none) }
            for await (index, problem) in group { results[index].problem = problem }
            return results
        }
    }

    /// `http://am:9093` and `http://am:9093/` both mean `http://am:9093/api/v2/alerts`.
    static func endpoint(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v2/alerts"
    }

    /// One URL: retried after `Retry-After`, else 0.5 s, 1 s, 2 s …, until `deadline`.
    private static func post(
        _ payload: [UInt8], to url: String, with delivery: WebhookDelivery, until deadline: ContinuousClock.Instant
    ) async -> String? {
        var pause = Duration.milliseconds(500)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return "not taken within --sink-timeout" }
            switch await delivery.attempt(payload, to: url, timeout: left) {
            case .delivered: return nil
            case .refused(let why): return why
            case .cancelled: return "cancelled"
            case .retryable(let why, let retryAfter):
                let wait = min(retryAfter ?? pause, .seconds(60))
                guard ContinuousClock.now + wait < deadline else { return why }
                try? await Task.sleep(for: wait)
                pause *= 2
            }
        }
    }
}
