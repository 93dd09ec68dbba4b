import CurlEngine
import Foundation

/// `run.har`: HTTP Archive 1.2 of every request of a run, for browser devtools and HAR viewers.
/// Redacted like every artifact; response content capped like snapshots.
enum HAR {
    /// HAR phases. `connect` includes `ssl`, as the format requires; `time` is their sum.
    struct PhaseTimings {
        var blocked: Double
        var dns: Double
        var connect: Double
        var send: Double
        var wait: Double
        var receive: Double
        var ssl: Double

        init(_ t: Timings) {
            blocked = 0
            dns = round3(t.dns)
            connect = round3(t.connect + t.tls)
            send = 0
            wait = round3(t.wait)
            receive = round3(t.transfer)
            ssl = t.tls > 0 ? round3(t.tls) : -1
        }

        /// The entry's `time`: the sum of the phases (`ssl` is inside `connect`).
        var total: Double {
            let phases: [Double] = [blocked, dns, connect, send, wait, receive]
            return HAR.round3(phases.reduce(0, +))
        }
    }

    /// Written by hand onto a `RecordJSON.Stream`: through Codable the HAR was the costliest
    /// part of recording a run. One page per attempt (`attempt-N`), each entry pointing at its own.
    static func render(_ result: RunResult, record: RunRecord, redactor: Redactor, maxBodyBytes: Int) -> [UInt8] {
        let out = RecordJSON.Stream(pretty: true)
        out.begin()
        out.begin("log")
        out.member("version", "1.2")
        out.begin("creator")
        out.member("name", "canary")
        out.member("version", "0.1.0")
        out.end()
        pagesAndEntries(result, record: record, redactor: redactor, maxBodyBytes: maxBodyBytes, to: out)
        out.close(deeperThan: 0)
        return out.writer.bytes
    }

    /// One line of an exchange segment: `{"canary", "runId", "pages", "entries"}`, compact, ending
    /// in a newline. `pages` and `entries` are the run's HAR log members, as in `run.har`.
    static func segmentLine(_ result: RunResult, record: RunRecord, redactor: Redactor, maxBodyBytes: Int) -> [UInt8] {
        let out = RecordJSON.Stream(pretty: false)
        out.begin()
        out.member("canary", record.canary)
        out.member("runId", record.runId)
        pagesAndEntries(result, record: record, redactor: redactor, maxBodyBytes: maxBodyBytes, to: out)
        out.close(deeperThan: 0)
        out.writer.bytes.append(UInt8(ascii: "\n"))
        return out.writer.bytes
    }

    private static func pagesAndEntries(_ result: RunResult, record: RunRecord, redactor: Redactor, maxBodyBytes: Int, to out: RecordJSON.Stream) {
        let attempts = Self.attempts(result, record: record)
        out.begin("pages", array: true)
        for attempt in attempts {
            out.begin()
            out.member("startedDateTime", attempt.start)
            out.member("id", "attempt-\(attempt.number)")
            out.member("title", "\(record.canary) \(record.runId) attempt \(attempt.number)")
            out.begin("pageTimings")
            out.end()
            out.end()
        }
        out.end()
        out.begin("entries", array: true)
        for attempt in attempts {
            for exchange in attempt.exchanges {
                for hop in exchange.response?.hops ?? [] {
                    hopEntry(hop, of: exchange, page: "attempt-\(attempt.number)", redactor: redactor, to: out)
                }
                entry(exchange, step: attempt.steps.first { $0.name == exchange.step }, page: "attempt-\(attempt.number)",
                      traceId: attempt.traceId, redactor: redactor, maxBodyBytes: maxBodyBytes, to: out)
            }
        }
        out.end()
    }

    /// Each attempt's number, start, steps (from the redacted record) and exchanges, oldest first.
    private static func attempts(_ result: RunResult, record: RunRecord) -> [(number: Int, start: String, steps: [StepRecord], exchanges: [Exchange], traceId: String?)] {
        guard let attempts = record.attempts, attempts.count > 1 else {
            return [(record.attempt, record.start, record.steps, result.exchanges, record.traceId)]
        }
        return attempts.map { attempt in
            let exchanges = attempt.attempt == record.attempt ? result.exchanges : result.earlierExchanges.filter { $0.attempt == attempt.attempt }
            return (attempt.attempt, attempt.start, attempt.steps, exchanges, attempt.traceId)
        }
    }

    /// Custom request fields (HAR allows a leading underscore): how the request reached its
    /// server beyond the URL. Paths only; a key's password is never written.
    private static func connectionMembers(_ connection: ConnectionOptions, redactor: Redactor, to out: RecordJSON.Stream) {
        out.member("_proxy", connection.proxy.display.map { redactor.redact($0) })
        out.member("_unixSocket", connection.unixSocket.map { redactor.redact($0) })
        if let client = connection.clientCertificate {
            out.member("_clientCertificate", redactor.redact(client.cert))
            out.member("_clientKey", client.key.map { redactor.redact($0) })
        }
    }

    private static func entry(
        _ exchange: Exchange, step: StepRecord?, page: String, traceId: String?, redactor: Redactor, maxBodyBytes: Int, to out: RecordJSON.Stream
    ) {
        let timings = PhaseTimings(step?.timings ?? Timings())
        let request = exchange.request
        // After redirects, the final response answered the last hop's URL, not the first.
        let url = redactor.redact(exchange.response.map { $0.hops.isEmpty ? request.url : $0.effectiveURL } ?? request.url)
        out.begin()
        out.member("pageref", page)
        out.member("startedDateTime", RunID.iso8601(exchange.started))
        out.member("time", timings.total)
        out.begin("request")
        out.member("method", request.method)
        out.member("url", url)
        out.member("httpVersion", exchange.response?.httpVersion ?? "HTTP/1.1")
        out.begin("cookies", array: true)
        out.end()
        headers(exchange.sentHeaders(), redactor: redactor, to: out)
        out.begin("queryString", array: true)
        for (name, value) in queryPairs(url) { nameValue(name, value, to: out) }
        out.end()
        if let body = request.body, !body.isEmpty {
            out.begin("postData")
            out.member("mimeType", request.headers.value(named: "Content-Type") ?? "")
            let (text, truncated) = redactor.maskedPrefix(body, limit: maxBodyBytes)
            out.member("text", String(decoding: text, as: UTF8.self))
            // As on a response's content: a text shorter than bodySize may just hold masks.
            if truncated { out.member("comment", "truncated: first \(maxBodyBytes) of \(body.count) bytes") }
            out.end()
        }
        out.member("headersSize", -1)
        out.member("bodySize", request.body?.count ?? 0)
        connectionMembers(request.connection, redactor: redactor, to: out)
        out.end()
        response(exchange.response, redactor: redactor, maxBodyBytes: maxBodyBytes, to: out)
        out.begin("cache")
        out.end()
        phaseTimings(timings, to: out)
        out.member("serverIPAddress", exchange.response?.primaryIP)
        out.member("comment", exchange.error.map { redactor.redact($0) })
        // Custom fields, as HAR allows (a leading underscore): the step's span in its trace.
        out.member("_traceId", traceId)
        out.member("_spanId", step?.spanId)
        out.end()
    }

    private static func response(_ response: HTTPResponse?, redactor: Redactor, maxBodyBytes: Int, to out: RecordJSON.Stream) {
        out.begin("response")
        defer { out.end() }
        guard let response else {
            // Failed transfers keep status 0, as browsers record them.
            out.member("status", 0)
            for key in ["statusText", "httpVersion"] { out.member(key, "") }
            for key in ["cookies", "headers"] {
                out.begin(key, array: true)
                out.end()
            }
            out.begin("content")
            out.member("size", 0)
            out.member("mimeType", "")
            out.end()
            out.member("redirectURL", "")
            out.member("headersSize", -1)
            out.member("bodySize", 0)
            return
        }
        out.member("status", response.statusCode)
        out.member("statusText", redactor.redact(response.reason))
        out.member("httpVersion", response.httpVersion)
        out.begin("cookies", array: true)
        out.end()
        headers(response.headers, redactor: redactor, to: out)
        out.begin("content")
        out.member("size", response.body.count)
        out.member("mimeType", response.headers.value(named: "Content-Type") ?? "")
        var truncated: String { "truncated: first \(maxBodyBytes) of \(response.body.count) bytes" }
        switch BodyText.classify(response.body, limit: maxBodyBytes, redactor: redactor) {
        case .empty: break
        case .text(let text, let cut):
            out.member("text", text)
            if cut { out.member("comment", truncated) }
        case .binary(let bytes):
            out.member("text", Data(bytes).base64EncodedString())
            out.member("encoding", "base64")
            if response.body.count > maxBodyBytes { out.member("comment", truncated) }
        }
        out.end()
        let location: String = response.headers.value(named: "Location") ?? ""
        out.member("redirectURL", redactor.redact(location))
        out.member("headersSize", -1)
        out.member("bodySize", response.body.count)
        if let tls = response.tls.map(TLSRecord.init) { tlsMember(tls, notAfter: response.certificate?.notAfter, to: out) }
    }

    /// `_tls`: the handshake's protocol and cipher and the leaf certificate (HAR has no field for them).
    private static func tlsMember(_ tls: TLSRecord, notAfter: Date?, to out: RecordJSON.Stream) {
        out.begin("_tls")
        defer { out.end() }
        out.member("protocol", tls.protocol)
        out.member("cipher", tls.cipher)
        out.member("subject", tls.subject)
        out.member("issuer", tls.issuer)
        out.member("subjectAltNames", .array(tls.subjectAltNames.map(JSONValue.string)))
        out.member("notBefore", tls.notBefore)
        out.member("notAfter", notAfter.map(RunID.iso8601))
        out.member("chainNotAfter", tls.chainNotAfter)
    }

    static func headers(_ headers: [HTTPHeader], redactor: Redactor, to out: RecordJSON.Stream) {
        out.begin("headers", array: true)
        for header in headers.map(redactor.redact) {
            nameValue(header.name, header.value, to: out)
        }
        out.end()
    }

    /// `{"name": …, "value": …}`. Compact (the exchange segment's line, every header of every
    /// run) it is written in one go, the same bytes as through the stream's containers, which
    /// were a twentieth of the scheduler's CPU at 10,000 canaries (bench/soak.sh, perf).
    static func nameValue(_ name: String, _ value: String, to out: RecordJSON.Stream) {
        guard !out.writer.pretty, (try? out.begin(depth: out.depth, key: nil, in: out.innermostID)) != nil else {
            out.begin()
            out.member("name", name)
            out.member("value", value)
            out.end()
            return
        }
        out.writer.append("{\"name\":")
        out.writer.writeString(name)
        out.writer.append(",\"value\":")
        out.writer.writeString(value)
        out.writer.bytes.append(UInt8(ascii: "}"))
    }

    static func queryPairs(_ url: String) -> [(String, String)] {
        guard url.utf8.contains(UInt8(ascii: "?")), let query = URLComponents(string: url)?.queryItems else { return [] }
        return query.map { ($0.name, $0.value ?? "") }
    }

    static func round3(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}
