import Foundation

/// One event for the sinks, shaped like an EventBridge event: an alarm state change, or with
/// `--run-events` a finished run. Encodes to the JSON of the spec (section 5).
public struct AlarmEvent: Sendable, Codable, Equatable {
    /// The `detail-type` of each kind of event.
    public static let stateChangeType = "Canary Alarm State Change"
    public static let runFailedType = "Canary Run Failed"
    public static let runSucceededType = "Canary Run Succeeded"
    /// A run the runner could not carry out for want of its own resources (not the target's fault).
    public static let runInconclusiveType = "Canary Run Inconclusive"
    /// A canary whose file is gone (after `--forget-after`), or forgotten with `canary forget`:
    /// its alarm, metrics and Pushgateway group are gone too.
    public static let removedType = "Canary Removed"
    /// `alarm.remindEvery`: the canary is still in ALARM.
    public static let reminderType = "Canary Alarm Reminder"
    /// What `--on-alarm` is given: changes of state, reminders of one, and removals.
    public var isAboutAlarmState: Bool { [Self.stateChangeType, Self.reminderType, Self.removedType].contains(detailType) }

    /// The event format's version: "1".
    public var version: String
    /// A random UUID, so a receiver can drop a retried delivery it already has.
    public var id: String
    /// One of `stateChangeType`, `runFailedType`, `runSucceededType`, `runInconclusiveType`.
    public var detailType: String
    /// Always "canary", as EventBridge's `source` names the producer.
    public var source: String
    /// ISO 8601 UTC to the second: `2026-11-22T14:28:41Z`.
    public var time: String
    /// `--account`: who runs the canaries, as EventBridge's `account`; empty unless given.
    public var account: String
    /// Where the canary ran: its `location` tag (`--location`), empty without one.
    public var region: String
    /// What the event is about: the canary's name, as EventBridge lists resources.
    public var resources: [String]
    /// What happened, to which canary and run.
    public var detail: Detail

    /// Memberwise; prefer `stateChange(of:from:to:reason:now:)` and `runFinished(_:now:)`.
    public init(
        version: String = "1", id: String, detailType: String, source: String = "canary", time: String,
        account: String = "", region: String? = nil, detail: Detail
    ) {
        self.version = version
        self.id = id
        self.detailType = detailType
        self.source = source
        self.time = time
        self.account = account
        self.region = region ?? detail.tags["location"] ?? ""
        resources = [detail.canary]
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey {
        case version, id, detailType = "detail-type", source, time, account, region, resources, detail
    }

    /// The event for `run` having moved its canary's alarm from `previous` to `state`.
    public static func stateChange(
        of run: RunRecord, from previous: AlarmState, to state: AlarmState, reason: String, now: Date
    ) -> AlarmEvent {
        let failure = failureFields(of: run)
        var detail = Detail(
            canary: run.canary, runId: run.runId, tags: run.tags, step: failure.step, failure: failure.message,
            previousState: previous, state: state, reason: reason)
        detail.suppressedBy = run.suppressedBy
        detail.traceId = run.traceId
        return AlarmEvent(id: id(of: run, stateChangeType), detailType: stateChangeType, time: timestamp(now), detail: detail)
    }

    /// The `--run-events` event for one finished run, like CloudWatch Synthetics' TestRun events.
    public static func runFinished(_ run: RunRecord, now: Date) -> AlarmEvent {
        let failure = failureFields(of: run)
        var detail = Detail(
            canary: run.canary, runId: run.runId, tags: run.tags, step: failure.step, failure: failure.message,
            durationMs: run.durationMs.isFinite ? run.durationMs.rounded() : 0, passed: run.passed)
        detail.suppressedBy = run.suppressedBy
        detail.traceId = run.traceId
        return AlarmEvent(
            id: id(of: run, runSucceededType), detailType: run.passed ? runSucceededType : run.isInconclusive ? runInconclusiveType : runFailedType, time: timestamp(now), detail: detail)
    }

    /// The event as one line of compact JSON with sorted keys, as written to `events.jsonl`,
    /// posted to webhooks and given to the `--on-alarm` program.
    public func jsonBytes() throws -> [UInt8] {
        try RecordJSON.bytes(self)
    }

    /// `2026-11-22T14:28:41Z`: event times and state changes are to the second, like CloudWatch's.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// The id of `run`'s event of `kind`, the same every time it is made: when state is rebuilt
    /// from runs.jsonl after a crash, an event that may have gone out already goes out again with
    /// the same id, which receivers de-duplicate. UUID-shaped, from two 64-bit FNV-1a hashes.
    static func id(of run: RunRecord, _ kind: String) -> String {
        let high = Shard.fnv1a(kind + "\u{0}" + run.canary + "\u{0}" + run.runId)
        let low = Shard.fnv1a(run.runId + "\u{0}" + run.canary + "\u{0}" + kind)
        let hex = [high, low].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        return parts.joined(separator: "-")
    }

    /// The failing step and its message, nil for a passed run; a run-level error (timeout,
    /// interpolation) has a message but no step.
    private static func failureFields(of run: RunRecord) -> (step: String?, message: String?) {
        guard !run.passed, let failure = run.firstFailure else { return (nil, nil) }
        return (failure.step.isEmpty ? nil : failure.step, failure.message)
    }
}

extension AlarmEvent {
    /// The event's `detail`. Fields of the event's own kind are always written, as `null` when
    /// they have no value (`step` and `failure` of a passing run); the other kind's are left out.
    public struct Detail: Sendable, Codable, Equatable {
        /// The canary's name.
        public var canary: String
        /// The run that caused the event.
        public var runId: String
        /// The canary's tags, for routing in the receiver.
        public var tags: [String: String]
        /// The first failing step; nil when the run passed or failed before any step.
        public var step: String?
        /// The first failure's message: `status: expected 200, got 503`.
        public var failure: String?
        /// Alarm state changes only.
        public var previousState: AlarmState?
        public var state: AlarmState?
        public var reason: String?
        /// Run events only.
        public var durationMs: Double?
        public var passed: Bool?
        /// `dependsOn`: the dependencies in ALARM when the run was recorded; left out when none.
        public var suppressedBy: [String]?
        /// The trace of the run's last attempt (see `TraceContext`), to follow it into the traced
        /// backend; left out for records from before tracing.
        public var traceId: String?

        /// Memberwise; leave the other kind's fields nil.
        public init(
            canary: String, runId: String, tags: [String: String], step: String?, failure: String?,
            previousState: AlarmState? = nil, state: AlarmState? = nil, reason: String? = nil,
            durationMs: Double? = nil, passed: Bool? = nil
        ) {
            self.canary = canary
            self.runId = runId
            self.tags = tags
            self.step = step
            self.failure = failure
            self.previousState = previousState
            self.state = state
            self.reason = reason
            self.durationMs = durationMs
            self.passed = passed
        }

        private enum CodingKeys: String, CodingKey {
            case canary, runId, tags, step, failure, previousState, state, reason, durationMs, passed, suppressedBy, traceId
        }

        /// Explicit nulls for `step` and `failure`, so every event of a kind has the same keys
        /// and a receiver can tell "no failure" from an older producer without the field.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(canary, forKey: .canary)
            try container.encode(runId, forKey: .runId)
            try container.encode(tags, forKey: .tags)
            if let step { try container.encode(step, forKey: .step) } else { try container.encodeNil(forKey: .step) }
            if let failure { try container.encode(failure, forKey: .failure) } else { try container.encodeNil(forKey: .failure) }
            try container.encodeIfPresent(previousState, forKey: .previousState)
            try container.encodeIfPresent(state, forKey: .state)
            try container.encodeIfPresent(reason, forKey: .reason)
            try container.encodeIfPresent(durationMs, forKey: .durationMs)
            try container.encodeIfPresent(passed, forKey: .passed)
            try container.encodeIfPresent(suppressedBy, forKey: .suppressedBy)
            try container.encodeIfPresent(traceId, forKey: .traceId)
        }
    }
}
