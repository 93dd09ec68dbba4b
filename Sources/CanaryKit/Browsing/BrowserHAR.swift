import Foundation

/// `NN-<step>.har`: every request a browser step's page made, from the Network domain, as HAR
/// 1.2 (no bodies). Written as text through the store's redactor like every other output.
enum BrowserHAR {
    static func render(_ requests: [PageEvents.Request], page: PageFacts, redactor: Redactor) -> [UInt8] {
        let entries: [JSONValue] = requests.map { request in
            let elapsed = request.finished.map { max(0, ($0 - request.wallStart) * 1000) } ?? -1
            var response: [(key: String, value: JSONValue)] = [
                ("status", .number(Double(request.status ?? 0))), ("statusText", .string(request.statusText)),
                ("httpVersion", .string(request.protocolName)), ("headers", headers(request.responseHeaders, redactor)), ("cookies", .array([])),
                ("content", .object([("size", .number(-1)), ("mimeType", .string(request.mimeType))])),
                ("redirectURL", .string("")), ("headersSize", .number(-1)), ("bodySize", .number(Double(request.encodedBytes))),
            ]
            if let failure = request.failure { response.append(("_error", .string(failure))) }
            return .object([
                ("startedDateTime", .string(RunID.iso8601(request.started))),
                ("time", .number((elapsed * 1000).rounded() / 1000)),
                ("request", .object([
                    ("method", .string(request.method)), ("url", .string(request.url)), ("httpVersion", .string(request.protocolName)),
                    ("headers", headers(request.requestHeaders, redactor)), ("queryString", .array([])), ("cookies", .array([])),
                    ("headersSize", .number(-1)), ("bodySize", .number(-1)),
                ])),
                ("response", .object(response)),
                ("cache", .object([])),
                ("timings", .object([("send", .number(0)), ("wait", .number(max(0, elapsed))), ("receive", .number(0))])),
                ("_resourceType", .string(request.type)),
            ])
        }
        let har: JSONValue = .object([("log", .object([
            ("version", .string("1.2")), ("creator", .object([("name", .string("canary")), ("version", .string(CanaryVersion.number))])),
            ("pages", .array([.object([("id", .string("page")), ("title", .string(page.title ?? page.url ?? ""))])])),
            ("entries", .array(entries)),
        ]))])
        return Array(JSON5.serialize(har, pretty: true).utf8) + [UInt8(ascii: "\n")]
    }

    /// Credentials (Authorization, Cookie, …) masked by name; the store masks secrets after.
    private static func headers(_ pairs: [(String, String)], _ redactor: Redactor) -> JSONValue {
        .array(pairs.map { .object([("name", .string($0.0)), ("value", .string(redactor.redactHeader(name: $0.0, value: $0.1)))]) })
    }
}
