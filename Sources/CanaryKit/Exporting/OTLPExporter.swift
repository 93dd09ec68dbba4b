import CurlEngine
import Foundation
import Locking

/// Sends runs as spans and the metrics to an OTLP/HTTP collector, off the hot path: `add` only
/// queues a finished run (in memory, bounded: past `maxSpans` the oldest runs are dropped and
/// counted); `export` sends what is queued, batched, within a deadline (the run's
/// `--sink-timeout`), retrying 429/502/503/504 and transport errors with backoff or the
/// collector's `Retry-After`. Runs it could not send stay queued for the next export (the
/// scheduler's next flush). Local records never depend on it.
public final class OTLPExporter: Sendable {
    public let config: OTLPConfig
    let engine: CurlEngine
    /// Limit of one request.
    let timeout: Duration
    let maxSpans: Int
    /// Runs per request.
    let batchSize: Int
    private let started = Date()
    private let state = Locked(State())

    struct State {
        var queued: [RunRecord] = []
        var queuedSpans = 0
        var dropped = 0
        var histogram = OTLPMetrics.Histogram()
        /// Since when exports fail, and how many spans were dropped meanwhile: one warning per outage.
        var outage: (since: ContinuousClock.Instant, failures: Int)?
    }

    public init(config: OTLPConfig, engine: CurlEngine, timeout: Duration, maxSpans: Int = 20_000, batchSize: Int = 200) {
        self.config = config
        self.engine = engine
        self.timeout = timeout
        self.maxSpans = maxSpans
        self.batchSize = batchSize
    }

    /// Queues a finished run (already redacted) for the next export.
    public func add(_ record: RunRecord) {
        state.withLock { state in
            state.histogram.add(record)
            guard config.tracesURL != nil else { return }
            state.queued.append(record)
            state.queuedSpans += OTLPTraces.spanCount(record)
            state.trim(to: maxSpans)
        }
    }

    /// Spans queued now, and spans dropped so far to keep the queue bounded.
    public var counts: (queued: Int, dropped: Int) { state.withLock { ($0.queuedSpans, $0.dropped) } }

    /// Sends the queued spans and `metrics` until `deadline`; returns the lines to log (none
    /// while all is well, one when exports start failing, one when they recover).
    public func export(metrics: [CanaryMetrics], until deadline: ContinuousClock.Instant) async -> [String] {
        let (records, histogram) = state.withLock { state in
            defer { state.queued = []; state.queuedSpans = 0 }
            return (state.queued, state.histogram)
        }
        // Metrics beside the spans, each over a session (connection) of its own.
        async let metricsProblem = sendMetrics(metrics, histogram: histogram, until: deadline)
        let session = engine.makeSession()
        defer { engine.close(session) }
        var problems: [String] = []
        var unsent: [RunRecord] = []
        if let url = config.tracesURL {
            var batches = stride(from: 0, to: records.count, by: batchSize).map { Array(records[$0..<min($0 + batchSize, records.count)]) }[...]
            while let batch = batches.popFirst() {
                let result = await send(OTLPTraces.request(batch, resource: config.resource), to: url, session: session, until: deadline)
                if let problem = result.problem { problems.append(problem) }
                if result.keep {
                    unsent = batch + batches.joined()
                    break
                }
            }
        }
        if let problem = await metricsProblem { problems.append(problem) }
        return state.withLock { state in
            state.queued = unsent + state.queued
            state.queuedSpans = state.queued.reduce(0) { $0 + OTLPTraces.spanCount($1) }
            state.trim(to: maxSpans)
            return state.lines(after: problems, queued: state.queuedSpans)
        }
    }

    private func sendMetrics(_ metrics: [CanaryMetrics], histogram: OTLPMetrics.Histogram, until deadline: ContinuousClock.Instant) async -> String? {
        guard let url = config.metricsURL else { return nil }
        let body = OTLPMetrics.request(metrics, histogram: histogram, resource: config.resource, since: started, now: Date())
        let session = engine.makeSession()
        defer { engine.close(session) }
        return await send(body, to: url, session: session, until: deadline).problem
    }

    /// One request, retried while the collector says to and the deadline allows. `keep`: the
    /// batch was not taken and may be sent again later (not when it was refused for good).
    private func send(_ body: [UInt8], to url: String, session: HTTPSession, until deadline: ContinuousClock.Instant) async -> (problem: String?, keep: Bool) {
        var headers = [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "User-Agent", value: CanaryVersion.userAgent)]
        headers += config.headers
        var attempts = 0
        let shown = URLMasking.masked(url)
        while true {
            let remaining = deadline - .now
            guard remaining > .milliseconds(50) else { return ("otlp \(shown): no answer within --sink-timeout (\(attempts) attempts)", true) }
            attempts += 1
            let request = HTTPRequest(
                method: "POST", url: url, headers: headers, body: body, timeout: min(timeout, remaining),
                followRedirects: false, maxBodyBytes: 1 << 20, removedHeaders: ["Expect"])
            var problem: String
            var retryAfter: Duration?
            do {
                let response = try await engine.perform(request, in: session)
                if (200..<300).contains(response.statusCode) { return (nil, false) }
                problem = "HTTP \(response.statusCode)"
                // The OTLP spec: only these are worth another try; any other answer refuses the data.
                guard [429, 502, 503, 504].contains(response.statusCode) else {
                    return ("otlp \(shown): \(problem), data refused and dropped", false)
                }
                retryAfter = response.headers.value(named: "Retry-After").flatMap { WebhookDelivery.retryAfter($0) }
            } catch {
                if error.kind == .cancelled { return ("otlp \(shown): cancelled", true) }
                problem = URLMasking.masking(url, in: error.kind == .timeout ? "timed out" : error.description)
            }
            let pause = retryAfter ?? OutboxPass.backoff(afterAttempt: attempts)
            guard ContinuousClock.now + pause < deadline else {
                return ("otlp \(shown): \(problem) (\(attempts) attempt\(attempts == 1 ? "" : "s"))", true)
            }
            try? await Task.sleep(for: pause)
        }
    }
}

private extension OTLPExporter.State {
    /// Drops the oldest runs until at most `limit` spans are queued, counting them.
    mutating func trim(to limit: Int) {
        var cut = 0
        while queuedSpans > limit, cut < queued.count {
            let spans = OTLPTraces.spanCount(queued[cut])
            queuedSpans -= spans
            dropped += spans
            cut += 1
        }
        if cut > 0 { queued.removeFirst(cut) }
    }

    /// One warning when exports start failing, with the counts; none while they keep failing;
    /// one when they work again.
    mutating func lines(after problems: [String], queued: Int) -> [String] {
        guard let first = problems.first else {
            guard let outage else { return [] }
            self.outage = nil
            let length = Duration.seconds(Int((ContinuousClock.now - outage.since).components.seconds))
            return ["otlp: exporting again after \(outage.failures) failed export\(outage.failures == 1 ? "" : "s") over \(length.humanText); \(dropped) spans dropped so far"]
        }
        if outage != nil {
            outage?.failures += 1
            return []
        }
        outage = (.now, 1)
        let rest = problems.dropFirst().map { "; " + $0 }.joined()
        return ["\(first)\(rest); \(queued) spans kept for the next export, \(dropped) dropped (no more warnings until it recovers; local records are unaffected)"]
    }
}
