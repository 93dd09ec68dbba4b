import CurlEngine
import Foundation

/// POSTs one event to one webhook through the engine, with bounded retries and an overall
/// deadline, and turns the last failure into a warning line.
struct WebhookDelivery: Sendable {
    let engine: CurlEngine
    let session: HTTPSession
    /// Per attempt, the whole transfer (connect, send, wait, receive).
    let timeout: Duration
    let retries: Int

    /// Pause before retry n (1-based): 200 ms, 400 ms, 800 ms… short, because the run waits.
    static func backoff(beforeRetry n: Int) -> Duration {
        .milliseconds(200 << min(max(n - 1, 0), 5))
    }

    /// The longest a delivery may take: every attempt timing out, plus the pauses between them,
    /// plus a little for the engine to hand back a timed-out transfer.
    var budget: Duration {
        let pauses = (0..<retries).reduce(Duration.zero) { $0 + Self.backoff(beforeRetry: $1 + 1) }
        return timeout * (retries + 1) + pauses + .milliseconds(300)
    }

    /// nil when the webhook answered 2xx, else a warning naming it, e.g.
    /// `webhook https://hooks.example.com/…: timed out after 5s (3 attempts)`.
    func post(_ payload: [UInt8], to url: String, label: String) async -> String? {
        let attempts = retries + 1
        // The deadline backs up the per-attempt timeout for a server that trickles bytes or a
        // resolver that hangs: whatever happens, this returns within `budget`.
        return await withDeadline(budget, onTimeout: "\(label): no answer within \(budget.humanText) (gave up)") {
            var problem = ""
            for attempt in 1...attempts {
                if attempt > 1 {
                    try? await Task.sleep(for: Self.backoff(beforeRetry: attempt - 1))
                    if Task.isCancelled { break }
                }
                switch await attemptOnce(payload, to: url) {
                case .delivered:
                    return nil
                case .retryable(let text):
                    problem = text
                case .final(let text):
                    return "\(label): \(text) (\(attempt) attempt\(attempt == 1 ? "" : "s"))"
                }
            }
            return "\(label): \(problem) (\(attempts) attempt\(attempts == 1 ? "" : "s"))"
        }
    }

    private enum Outcome {
        case delivered
        case retryable(String)
        case final(String)
    }

    private func attemptOnce(_ payload: [UInt8], to url: String) async -> Outcome {
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "User-Agent", value: "canary")],
            body: payload, timeout: timeout,
            // A redirected POST would become a GET in libcurl and lose the event: report it instead.
            followRedirects: false, maxBodyBytes: 1 << 20,
            // A webhook that waits for `100-continue` would cost a second per attempt.
            removedHeaders: ["Expect"])
        do {
            let response = try await engine.perform(request, in: session)
            switch response.statusCode {
            case 200..<300: return .delivered
            // Server trouble and rate limits may pass; a 4xx means the request itself is wrong.
            case 408, 429, 500...: return .retryable("HTTP \(response.statusCode)")
            default: return .final("HTTP \(response.statusCode)")
            }
        } catch {
            switch error.kind {
            case .timeout: return .retryable("timed out after \(timeout.humanText)")
            case .cancelled: return .final("cancelled")
            case .invalidRequest: return .final(error.description)
            default: return .retryable(error.description)
            }
        }
    }

    /// The URL as it may appear in a log: scheme, host and port only, because webhook URLs often
    /// carry their secret in the path or query (Slack, Teams, Discord).
    static func display(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else {
            return "(unparseable URL)"
        }
        let port = parts.port.map { ":\($0)" } ?? ""
        let rest = parts.path.isEmpty || parts.path == "/" ? (parts.query == nil ? "" : "/…") : "/…"
        return "\(scheme)://\(host)\(port)\(rest)"
    }
}
