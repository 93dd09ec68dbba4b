import CurlEngine
import Foundation

/// What one attempt at delivering one event to one sink came to.
enum SinkAttempt: Sendable, Equatable {
    case delivered
    /// Worth another try later: a transport error, a timeout, 408, 429 or a 5xx. `retryAfter`
    /// is the receiver's `Retry-After`, when it gave one.
    case retryable(String, retryAfter: Duration?)
    /// Trying again would not help: a 4xx that is not 408 or 429, an invalid URL.
    case refused(String)
    /// We stopped it (the run's sink time ran out): neither delivered nor refused.
    case cancelled
}

/// POSTs one event to one webhook through the engine, once; the outbox decides about retries.
struct WebhookDelivery: Sendable {
    let engine: CurlEngine
    let session: HTTPSession

    func attempt(_ payload: [UInt8], to url: String, timeout: Duration) async -> SinkAttempt {
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
            // Server trouble and rate limits pass; a 4xx means the request itself is wrong.
            case 408, 429, 500...:
                let retryAfter = response.headers.value(named: "Retry-After").flatMap { Self.retryAfter($0) }
                return .retryable("HTTP \(response.statusCode)", retryAfter: retryAfter)
            default: return .refused("HTTP \(response.statusCode)")
            }
        } catch {
            switch error.kind {
            case .timeout: return .retryable("timed out after \(timeout.humanText)", retryAfter: nil)
            case .cancelled: return .cancelled
            case .invalidRequest: return .refused(error.description)
            default: return .retryable(error.description, retryAfter: nil)
            }
        }
    }

    /// `Retry-After` as seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`);
    /// nil for anything else, which then counts as absent. Never negative.
    static func retryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = format.date(from: text) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
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
