import CurlEngine

/// A run's record written by hand onto a `Stream`, as the HAR is (the issue's "run.json written
/// like the HAR"): through Codable the record of every run (its run segment line, and run.json)
/// cost about a twentieth of a run's CPU. Exactly the bytes `RecordJSON.bytes(record)` writes
/// (RecordJSONTests compares them): keys in declaration order, nil fields left out, tags sorted.
/// The rarely present parts (failures, request, response, screenshots, probes, attempts) still
/// go through Codable on the same stream.
extension RecordJSON {
    static func record(_ record: RunRecord, pretty: Bool) throws -> [UInt8] {
        let out = Stream(pretty: pretty)
        try write(record, to: out)
        out.close(deeperThan: 0)
        return out.writer.bytes
    }

    static func write(_ record: RunRecord, to out: Stream) throws {
        out.begin()
        try writeMembers(of: record, to: out)
        out.end()
    }

    /// The record's members, into the object just opened for it.
    static func writeMembers(of record: RunRecord, to out: Stream) throws {
        out.member("canary", record.canary)
        out.member("runId", record.runId)
        out.member("start", record.start)
        out.member("end", record.end)
        out.member("durationMs", record.durationMs)
        out.member("passed", Optional(record.passed))
        out.member("attempt", record.attempt)
        try out.nested(record.tags, "tags")
        out.member("error", record.error)
        out.member("file", record.file)
        out.begin("steps", array: true)
        for step in record.steps { try write(step, to: out) }
        out.end()
        out.member("inconclusive", record.inconclusive)
        out.member("cancelled", record.cancelled)
        if let attempts = record.attempts { try out.nested(attempts, "attempts") }
        if let har = record.har {
            out.begin("har")
            out.member("segment", har.segment)
            out.member("offset", har.offset)
            out.member("length", har.length)
            out.end()
        }
        out.member("maintenance", record.maintenance)
        if let suppressedBy = record.suppressedBy { try out.nested(suppressedBy, "suppressedBy") }
        out.member("flaky", record.flaky)
        out.member("degraded", record.degraded)
        out.member("traceId", record.traceId)
        out.member("spanId", record.spanId)
    }

    private static func write(_ step: StepRecord, to out: Stream) throws {
        out.begin()
        out.member("name", step.name)
        out.member("outcome", step.outcome.rawValue)
        out.member("statusCode", step.statusCode)
        out.begin("timings")
        out.member("dns", step.timings.dns)
        out.member("connect", step.timings.connect)
        out.member("tls", step.timings.tls)
        out.member("firstByte", step.timings.firstByte)
        out.member("transfer", step.timings.transfer)
        out.member("total", step.timings.total)
        out.end()
        try out.nested(step.failures, "failures")
        out.member("error", step.error)
        out.member("errorKind", step.errorKind)
        if let request = step.request { try out.nested(request, "request") }
        if let response = step.response { try out.nested(response, "response") }
        if let screenshot = step.screenshot { try out.nested(screenshot, "screenshot") }
        if let warnings = step.warnings { try out.nested(warnings, "warnings") }
        out.member("spanId", step.spanId)
        out.member("start", step.start)
        if let probe = step.probe { try out.nested(probe, "probe") }
        if let browser = step.browser { try out.nested(browser, "browser") }
        out.end()
    }

    /// The stored properties each writer above writes, in order: RecordJSONTests checks them
    /// against the types' own (a field added to a record but not here would be left out of every
    /// record written).
    static let recordKeys = ["canary", "runId", "start", "end", "durationMs", "passed", "attempt", "tags", "error", "file", "steps",
                             "inconclusive", "cancelled", "attempts", "har", "maintenance", "suppressedBy", "flaky", "degraded", "traceId", "spanId"]
    static let stepKeys = ["name", "outcome", "statusCode", "timings", "failures", "error", "errorKind", "request", "response", "screenshot",
                           "warnings", "spanId", "start", "probe", "browser"]
}

extension RecordJSON.Stream {
    /// A member encoded through Codable, inside a container written by hand.
    /// Closed at once: the next member written by hand goes to the container it is in.
    func nested<Value: Encodable>(_ value: Value, _ key: String) throws {
        let depth = self.depth
        try encode(value, depth: depth, key: key, in: innermostID)
        close(deeperThan: depth)
    }

    func member(_ key: String, _ flag: Bool?) {
        if let flag { try? bool(flag, depth: depth, key: key, in: innermostID) }
    }
}

extension RecordJSON {
    /// A canary's state as `CanaryState.encode(to:)` writes it, by hand: state.json is every
    /// canary's state, rewritten by every `canary run`, and through Codable's containers the
    /// members around `last` cost as much as the record itself. RecordJSONTests checks that both
    /// write the same bytes, and `stateKeys` against the type's stored properties.
    static func write(_ state: CanaryState, to out: Stream) throws {
        out.begin()
        out.begin("recent", array: true)
        for passed in state.recent { out.member(nil, .bool(passed)) }
        out.end()
        out.member("state", state.state.rawValue)
        out.member("since", state.since)
        out.member("runsPassed", state.runsPassed)
        out.member("runsFailed", state.runsFailed)
        out.member("runsInconclusive", state.runsInconclusive)
        out.member("runsFlaky", state.runsFlaky)
        if let lastRun = state.lastRun {
            if let json = lastRun.json {
                try out.nested(RawRecordJSON(bytes: json), "last")
            } else if let record = lastRun.record {
                try out.nested(record, "last")
            }
        }
        try out.nested(state.tags, "tags")
        out.member("file", state.file)
        out.member("goneSince", state.goneSince)
        out.member("maintenance", state.maintenance)
        out.end()
    }

    /// `CanaryState`'s stored properties, in declaration order (`lastRun` is written as `last`).
    static let stateKeys = ["recent", "state", "since", "runsPassed", "runsFailed", "runsInconclusive", "lastRun", "tags", "runsFlaky",
                            "file", "goneSince", "maintenance"]
}
