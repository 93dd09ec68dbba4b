import CurlEngine
import Foundation
import Testing

/// What scripts/otlp-receiver.py decoded, with the official opentelemetry-proto, for one bucket.
enum OTLPReceiver {
    /// `TestServers.otlp/<mode>/<bucket>`: a base URL for `--otlp`.
    static func base(_ mode: String, _ bucket: String) -> String { TestServers.otlp + "/\(mode)/\(bucket)" }

    static func newBucket() -> String { UUID().uuidString.prefix(12).lowercased() }

    static func receivedText(_ bucket: String) async throws -> String {
        let session = TestServers.engine.makeSession()
        defer { TestServers.engine.close(session) }
        let response = try await TestServers.engine.perform(HTTPRequest(url: TestServers.otlp + "/received/" + bucket, timeout: .seconds(5)), in: session)
        return String(decoding: response.body, as: UTF8.self)
    }

    /// `{"traces": [...], "metrics": [...], "headers": [...], "rejected": [...]}`.
    static func received(_ bucket: String) async throws -> [String: Any] {
        let text = try await receivedText(bucket)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Every span of every decoded trace export.
    static func spans(_ received: [String: Any]) -> [[String: Any]] {
        let requests = received["traces"] as? [[String: Any]] ?? []
        return requests.flatMap { ($0["resourceSpans"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["scopeSpans"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["spans"] as? [[String: Any]]) ?? [] }
    }

    /// Every metric of every decoded metrics export, by name (the last export's).
    static func metrics(_ received: [String: Any]) -> [String: [String: Any]] {
        let requests = received["metrics"] as? [[String: Any]] ?? []
        let all = requests.flatMap { ($0["resourceMetrics"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["scopeMetrics"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["metrics"] as? [[String: Any]]) ?? [] }
        return Dictionary(all.map { (($0["name"] as? String) ?? "", $0) }, uniquingKeysWith: { _, last in last })
    }

    /// A span's or data point's attributes as plain values (strings, and ints decoded from their string form).
    static func attributes(_ item: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for attribute in item["attributes"] as? [[String: Any]] ?? [] {
            guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any], let first = value.first else { continue }
            out[key] = "\(first.value)"
        }
        return out
    }

    /// The resource attributes of the first export of `signal`.
    static func resource(_ received: [String: Any], signal: String) -> [String: String] {
        let key = signal == "traces" ? "resourceSpans" : "resourceMetrics"
        let first = ((received[signal] as? [[String: Any]])?.first?[key] as? [[String: Any]])?.first
        return attributes((first?["resource"] as? [String: Any]) ?? [:])
    }
}
