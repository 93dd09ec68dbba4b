import CurlEngine
import Foundation

/// `run.har`: HTTP Archive 1.2 of every request of a run, for browser devtools and HAR viewers.
/// Redacted like every artifact; response content capped like snapshots.
enum HAR {
    struct Archive: Encodable {
        var log: Log
    }

    struct Log: Encodable {
        var version = "1.2"
        var creator = Creator()
        var pages: [String] = []
        var entries: [Entry]
    }

    struct Creator: Encodable {
        var name = "canary"
        var version = "0.1.0"
    }

    struct Entry: Encodable {
        var startedDateTime: String
        var time: Double
        var request: Request
        var response: Response
        var cache = [String: String]()
        var timings: PhaseTimings
        var serverIPAddress: String?
        var comment: String?
    }

    struct NameValue: Encodable {
        var name: String
        var value: String
    }

    struct Request: Encodable {
        var method: String
        var url: String
        var httpVersion: String
        var cookies: [NameValue] = []
        var headers: [NameValue]
        var queryString: [NameValue]
        var postData: PostData?
        var headersSize = -1
        var bodySize: Int
    }

    struct PostData: Encodable {
        var mimeType: String
        var text: String
    }

    struct Response: Encodable {
        var status: Int
        var statusText: String
        var httpVersion: String
        var cookies: [NameValue] = []
        var headers: [NameValue]
        var content: Content
        var redirectURL: String
        var headersSize = -1
        var bodySize: Int
    }

    struct Content: Encodable {
        var size: Int
        var mimeType: String
        var text: String?
        var encoding: String?
        var comment: String?
    }

    /// HAR phases. `connect` includes `ssl`, as the format requires; `time` is their sum.
    struct PhaseTimings: Encodable {
        var blocked: Double
        var dns: Double
        var connect: Double
        var send: Double
        var wait: Double
        var receive: Double
        var ssl: Double

        /// The entry's `time`: the sum of the phases (`ssl` is inside `connect`).
        var total: Double {
            let phases: [Double] = [blocked, dns, connect, send, wait, receive]
            return HAR.round3(phases.reduce(0, +))
        }
    }

    static func render(_ exchanges: [Exchange], steps: [StepRecord], redactor: Redactor, maxBodyBytes: Int) -> [UInt8] {
        let entries = exchanges.map { exchange in
            entry(exchange, step: steps.first { $0.name == exchange.step }, redactor: redactor, maxBodyBytes: maxBodyBytes)
        }
        return (try? RecordJSON.bytes(Archive(log: Log(entries: entries)), pretty: true)) ?? []
    }

    private static func entry(_ exchange: Exchange, step: StepRecord?, redactor: Redactor, maxBodyBytes: Int) -> Entry {
        let t = step?.timings ?? Timings()
        let wait = max(0, t.firstByte - t.dns - t.connect - t.tls)
        let timings = PhaseTimings(
            blocked: 0, dns: round3(t.dns), connect: round3(t.connect + t.tls), send: 0,
            wait: round3(wait), receive: round3(t.transfer), ssl: t.tls > 0 ? round3(t.tls) : -1)
        let request = exchange.request
        let url = redactor.redact(request.url)
        let httpVersion = exchange.response?.httpVersion ?? "HTTP/1.1"
        var postData: PostData?
        if let body = request.body, !body.isEmpty {
            let type = request.headers.value(named: "Content-Type") ?? ""
            postData = PostData(mimeType: type, text: redactor.redact(String(decoding: body.prefix(maxBodyBytes), as: UTF8.self)))
        }
        let harRequest = Request(
            method: request.method, url: url, httpVersion: httpVersion,
            headers: request.headers.map { NameValue(name: $0.name, value: redactor.redactHeader(name: $0.name, value: $0.value)) },
            queryString: queryPairs(url), postData: postData, bodySize: request.body?.count ?? 0)
        return Entry(
            startedDateTime: RunID.iso8601(exchange.started),
            time: timings.total,
            request: harRequest, response: response(exchange.response, redactor: redactor, maxBodyBytes: maxBodyBytes),
            timings: timings, serverIPAddress: exchange.response?.primaryIP,
            comment: exchange.error.map { redactor.redact($0) })
    }

    private static func response(_ response: HTTPResponse?, redactor: Redactor, maxBodyBytes: Int) -> Response {
        guard let response else {
            // Failed transfers keep status 0, as browsers record them.
            return Response(
                status: 0, statusText: "", httpVersion: "", headers: [],
                content: Content(size: 0, mimeType: ""), redirectURL: "", bodySize: 0)
        }
        let mimeType = response.headers.value(named: "Content-Type") ?? ""
        var content = Content(size: response.body.count, mimeType: mimeType)
        switch BodyText.classify(response.body, limit: maxBodyBytes) {
        case .empty: break
        case .text(let text, let truncated):
            content.text = redactor.redact(text)
            if truncated { content.comment = "truncated: first \(maxBodyBytes) of \(response.body.count) bytes" }
        case .binary:
            content.text = Data(redactor.redact(bytes: Array(response.body.prefix(maxBodyBytes)))).base64EncodedString()
            content.encoding = "base64"
            if response.body.count > maxBodyBytes { content.comment = "truncated: first \(maxBodyBytes) of \(response.body.count) bytes" }
        }
        let location = response.headers.value(named: "Location") ?? ""
        return Response(
            status: response.statusCode, statusText: response.reason, httpVersion: response.httpVersion,
            headers: response.headers.map { NameValue(name: $0.name, value: redactor.redactHeader(name: $0.name, value: $0.value)) },
            content: content, redirectURL: redactor.redact(location), bodySize: response.body.count)
    }

    private static func queryPairs(_ url: String) -> [NameValue] {
        guard let query = URLComponents(string: url)?.queryItems else { return [] }
        return query.map { NameValue(name: $0.name, value: $0.value ?? "") }
    }

    fileprivate static func round3(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}
