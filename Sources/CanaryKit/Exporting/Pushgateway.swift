import CurlEngine
import Foundation

/// Pushes a canary's metrics to a Prometheus Pushgateway (`--pushgateway URL`), grouped by job
/// `canary`, the canary's name and, when it has one, its `location` tag (so runners in two
/// locations keep two groups instead of overwriting each other), over our libcurl engine.
public struct Pushgateway: Sendable {
    /// The Pushgateway's base URL.
    public let url: String
    /// The engine pushes go through; each push uses a session of its own.
    public let engine: CurlEngine
    /// Limit of one whole push.
    public let timeout: Duration

    /// `url` is the Pushgateway's base URL, like `http://pushgateway:9091`.
    public init(url: String, engine: CurlEngine, timeout: Duration = .seconds(5)) {
        self.url = url
        self.engine = engine
        self.timeout = timeout
    }

    /// Replaces the canary's group with its current metrics (PUT). Returns nil on success, else a
    /// message naming the URL and the status or error; never throws, since a monitoring outage
    /// must not fail the canary run.
    public func push(_ metrics: CanaryMetrics) async -> String? {
        let location = metrics.tags["location"].flatMap { $0.isEmpty ? nil : $0 }
        let target = groupURL(for: metrics.canary, location: location)
        // The grouping key carries `canary` (and `location`); the Pushgateway (1.5) silently
        // overwrites a body label of the same name with the URL's value, so the body leaves them
        // out rather than repeat them.
        let body = PrometheusText.render([metrics], omitting: location == nil ? ["canary"] : ["canary", "location"])
        let request = HTTPRequest(
            method: "PUT", url: target,
            headers: [HTTPHeader(name: "Content-Type", value: "text/plain; version=0.0.4")],
            body: Array(body.utf8), timeout: timeout, followRedirects: false, maxBodyBytes: 1 << 20)
        let session = engine.makeSession()
        defer { engine.close(session) }
        do {
            let response = try await engine.perform(request, in: session)
            if (200..<300).contains(response.statusCode) { return nil }
            return "pushgateway \(URLMasking.masked(target)): HTTP \(response.statusCode)\(Self.reason(response.body))"
        } catch {
            return "pushgateway \(URLMasking.masked(target)): \(URLMasking.masking(target, in: "\(error)"))"
        }
    }

    /// Deletes the group of a canary that is gone (DELETE), so its last ALARM does not fire forever.
    /// nil on success (a group that is not there is success too), else a message as `push`'s.
    public func delete(canary: String, location: String?) async -> String? {
        let target = groupURL(for: canary, location: location.flatMap { $0.isEmpty ? nil : $0 })
        let request = HTTPRequest(method: "DELETE", url: target, timeout: timeout, followRedirects: false, maxBodyBytes: 1 << 20)
        let session = engine.makeSession()
        defer { engine.close(session) }
        do {
            let response = try await engine.perform(request, in: session)
            if (200..<300).contains(response.statusCode) || response.statusCode == 404 { return nil }
            return "pushgateway \(URLMasking.masked(target)): deleting the group: HTTP \(response.statusCode)\(Self.reason(response.body))"
        } catch {
            return "pushgateway \(URLMasking.masked(target)): deleting the group: \(URLMasking.masking(target, in: "\(error)"))"
        }
    }

    /// `<url>/metrics/job/canary/canary/<name>[/location/<location>]`; a value the path cannot
    /// carry as it is (empty, `.`/`..`, or with characters outside `[A-Za-z0-9_.-]`) goes in the
    /// Pushgateway's `<label>@base64/<base64url>` form.
    func groupURL(for canary: String, location: String? = nil) -> String {
        // A query (a token some gateways behind a proxy want) stays after the path.
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var base = String(parts[0])
        while base.hasSuffix("/") { base.removeLast() }
        let key = "\(base)/metrics/job/canary/" + Self.groupingPair("canary", canary)
        let path = location.map { key + "/" + Self.groupingPair("location", $0) } ?? key
        return parts.count > 1 ? path + "?" + parts[1] : path
    }

    static func groupingPair(for canary: String) -> String { groupingPair("canary", canary) }

    static func groupingPair(_ label: String, _ value: String) -> String {
        let plain = !value.isEmpty && value != "." && value != ".."
            && value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) }
        if plain { return "\(label)/\(value)" }
        // An empty value needs at least one character in the path: `=` is the Pushgateway's spelling.
        guard !value.isEmpty else { return "\(label)@base64/=" }
        let encoded = Data(value.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        return "\(label)@base64/\(encoded)"
    }

    /// The Pushgateway explains a rejected push in the body's first line; keep it short.
    private static func reason(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let clean = line.trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "" : ": \(clean)"
    }
}
