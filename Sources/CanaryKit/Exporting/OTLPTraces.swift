import Foundation

/// Runs as an OTLP `ExportTraceServiceRequest` (JSON): per attempt a root span `canary <name>`
/// and one CLIENT span per step that ran, with the HTTP client semantic conventions. Built from
/// records already redacted (`url.full` and every message went through the one redactor).
enum OTLPTraces {
    static func request(_ records: [RunRecord], resource: [(key: String, value: String)]) -> [UInt8] {
        let out = RecordJSON.Stream(pretty: false)
        out.begin()
        out.begin("resourceSpans", array: true)
        out.begin()
        OTLPJSON.resource(resource, to: out)
        out.begin("scopeSpans", array: true)
        out.begin()
        OTLPJSON.scope(to: out)
        out.begin("spans", array: true)
        for record in records {
            for attempt in attempts(of: record) { spans(of: attempt, in: record, to: out) }
        }
        out.end()
        out.end()
        out.end()
        out.end()
        out.end()
        out.close(deeperThan: 0)
        return out.writer.bytes
    }

    /// How many spans `request` makes of `record`.
    static func spanCount(_ record: RunRecord) -> Int {
        attempts(of: record).reduce(0) { $0 + 1 + $1.steps.filter { $0.outcome != .skipped }.count }
    }

    private static func attempts(of record: RunRecord) -> [AttemptRecord] {
        if let attempts = record.attempts, !attempts.isEmpty { return attempts }
        return [AttemptRecord(
            attempt: record.attempt, start: record.start, end: record.end, durationMs: record.durationMs, passed: record.passed,
            error: record.error, steps: record.steps, inconclusive: record.inconclusive, traceId: record.traceId, spanId: record.spanId)]
    }

    /// `canary.*` attributes of every span of `record`.
    private static func canaryAttributes(_ record: RunRecord, attempt: Int) -> [(String, OTLPJSON.Value)] {
        var attributes: [(String, OTLPJSON.Value)] = [
            ("canary.name", .string(record.canary)), ("canary.run_id", .string(record.runId)), ("canary.attempt", .int(attempt)),
        ]
        if let location = record.tags["location"] { attributes.append(("canary.location", .string(location))) }
        for key in record.tags.keys.sorted() { attributes.append(("canary.tag.\(key)", .string(record.tags[key] ?? ""))) }
        return attributes
    }

    private static func spans(of attempt: AttemptRecord, in record: RunRecord, to out: RecordJSON.Stream) {
        // Records from before tracing have no ids: nothing to join a trace with.
        guard let traceId = attempt.traceId, let rootId = attempt.spanId else { return }
        let start = OTLPJSON.nanos(attempt.start) ?? 0
        let end = max(start, OTLPJSON.nanos(attempt.end) ?? start)
        let common = canaryAttributes(record, attempt: attempt.attempt)
        out.begin()
        out.member("traceId", traceId)
        out.member("spanId", rootId)
        out.member("name", "canary \(record.canary)")
        out.member("kind", 1) // SPAN_KIND_INTERNAL
        OTLPJSON.member("startTimeUnixNano", nanos: start, to: out)
        OTLPJSON.member("endTimeUnixNano", nanos: end, to: out)
        var attributes = common + [("canary.passed", OTLPJSON.Value.bool(attempt.passed))]
        if attempt.inconclusive == true { attributes.append(("canary.inconclusive", .bool(true))) }
        if record.flaky == true { attributes.append(("canary.flaky", .bool(true))) }
        OTLPJSON.attributes(attributes, to: out)
        status(passed: attempt.passed, message: attempt.error, to: out)
        out.end()
        for step in attempt.steps where step.outcome != .skipped {
            guard let spanId = step.spanId else { continue }
            let stepStart = OTLPJSON.nanos(step.start) ?? start
            let stepEnd = stepStart + UInt64(max(0, step.timings.total * 1_000_000).rounded())
            out.begin()
            out.member("traceId", traceId)
            out.member("spanId", spanId)
            out.member("parentSpanId", rootId)
            out.member("name", step.request.map { "\($0.method) \(step.name)" } ?? step.name)
            out.member("kind", 3) // SPAN_KIND_CLIENT
            OTLPJSON.member("startTimeUnixNano", nanos: stepStart, to: out)
            OTLPJSON.member("endTimeUnixNano", nanos: stepEnd, to: out)
            OTLPJSON.attributes(common + [("canary.step", .string(step.name))] + httpAttributes(step), to: out)
            let message = step.error ?? step.failures.first.map { "\($0.assertion): \($0.message)" }
            status(passed: step.outcome == .passed, message: message, to: out)
            out.end()
        }
    }

    /// The HTTP client semantic conventions, and the phases as `canary.timing.*` (milliseconds).
    static func httpAttributes(_ step: StepRecord) -> [(String, OTLPJSON.Value)] {
        var attributes: [(String, OTLPJSON.Value)] = []
        if let request = step.request {
            attributes.append(("http.request.method", .string(request.method)))
            attributes.append(("url.full", .string(withoutUserInfo(request.url))))
            if let parts = URLComponents(string: request.url), let host = parts.host {
                attributes.append(("server.address", .string(host)))
                let port = parts.port ?? (parts.scheme?.lowercased() == "https" ? 443 : 80)
                attributes.append(("server.port", .int(port)))
            }
        }
        if step.statusCode > 0 { attributes.append(("http.response.status_code", .int(step.statusCode))) }
        if let version = step.response?.httpVersion, !version.isEmpty {
            let number = version.hasPrefix("HTTP/") ? String(version.dropFirst(5)) : version
            attributes.append(("network.protocol.version", .string(number)))
        }
        if let errorType = errorType(step) { attributes.append(("error.type", .string(errorType))) }
        let t = step.timings
        for (phase, ms) in [("dns", t.dns), ("connect", t.connect), ("tls", t.tls), ("first_byte", t.firstByte), ("transfer", t.transfer), ("total", t.total)] {
            attributes.append(("canary.timing.\(phase)_ms", .double(ms)))
        }
        return attributes
    }

    /// The semantic conventions' `error.type`: the transfer error's kind, else the status code of
    /// a 4xx/5xx answer, else `assertion` when a check failed; nil for a passing step.
    static func errorType(_ step: StepRecord) -> String? {
        guard step.outcome == .failed else { return nil }
        if let kind = step.errorKind { return kind }
        if step.statusCode >= 400 { return String(step.statusCode) }
        return "assertion"
    }

    /// The semantic conventions keep credentials out of `url.full`: user-info becomes `REDACTED:REDACTED`.
    static func withoutUserInfo(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.user != nil || parts.password != nil else { return url }
        parts.user = "REDACTED"
        parts.password = "REDACTED"
        return parts.string ?? url
    }

    /// ERROR (2) with the message when it failed; unset (left out) when it passed.
    private static func status(passed: Bool, message: String?, to out: RecordJSON.Stream) {
        guard !passed else { return }
        out.begin("status")
        out.member("message", message ?? "failed")
        out.member("code", 2)
        out.end()
    }
}
