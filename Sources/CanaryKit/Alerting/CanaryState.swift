import Foundation

/// The alarm state of one canary, named as CloudWatch names them.
public enum AlarmState: String, Sendable, Codable {
    case ok = "OK", alarm = "ALARM", insufficientData = "INSUFFICIENT_DATA"
}

/// What `canary run` remembers about one canary between invocations (in `state.json`), so a
/// canary run from cron every minute alarms on its history, not on one run.
public struct CanaryState: Sendable, Codable {
    /// Outcomes of the latest runs (true: passed), newest last, at most `evaluationPeriods` kept.
    public var recent: [Bool]
    /// The current alarm state, as evaluated after the last run.
    public var state: AlarmState
    /// ISO 8601 UTC time of the last change of `state`; empty before the first change.
    public var since: String
    /// Every run counted so far, kept across invocations for `canary_runs_total`.
    public var runsPassed: Int
    /// Every failed run counted so far, as `runsPassed`.
    public var runsFailed: Int
    /// Runs the runner could not carry out for want of a local resource (inconclusive), for
    /// `canary_runner_errors_total{kind="localResource"}`; not in `recent`, `last` or `runCount`.
    public var runsInconclusive: Int = 0
    /// The last run's record, as redacted by the caller, trimmed to what metrics of a canary not
    /// run this time need (`RunRecord.trimmedForState`); runs.jsonl has the whole record.
    public var last: RunRecord? {
        get { lastRun?.record }
        set { lastRun = newValue.map(LastRun.init) }
    }
    /// `last`, boxed; as read from state.json until a run replaces it (see `StateLine`).
    var lastRun: LastRun?
    /// The canary's tags at its last run, for metrics and events of canaries not run this time.
    public var tags: [String: String]
    /// Runs that passed only on a retry, for `canary_flaky_runs_total`.
    public var runsFlaky = 0
    /// Absolute path of the file the canary last ran from: when it is gone, so is the canary.
    public var file = ""
    /// ISO 8601 time the canary was first found gone (its file removed); nil while it is there.
    public var goneSince: String?
    /// true while the canary's last run was in a maintenance window; left out otherwise.
    public var maintenance: Bool? = nil

    /// A canary that has never run: INSUFFICIENT_DATA, no outcomes, no counts.
    public init(
        recent: [Bool] = [], state: AlarmState = .insufficientData, since: String = "",
        runsPassed: Int = 0, runsFailed: Int = 0, last: RunRecord? = nil, tags: [String: String] = [:]
    ) {
        self.recent = recent
        self.state = state
        self.since = since
        self.runsPassed = runsPassed
        self.runsFailed = runsFailed
        self.lastRun = last.map(LastRun.init)
        self.tags = tags
    }

    /// Runs this canary has had, as far as the state file knows.
    public var runCount: Int { runsPassed + runsFailed }

    private enum CodingKeys: String, CodingKey {
        case recent, state, since, runsPassed, runsFailed, runsInconclusive, runsFlaky, last, tags, file, goneSince, maintenance
    }

    /// Missing keys take their initial values, so a state file written by an older version (or
    /// edited by hand) still loads instead of resetting every counter.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        recent = try container.decodeIfPresent([Bool].self, forKey: .recent) ?? []
        state = try container.decodeIfPresent(AlarmState.self, forKey: .state) ?? .insufficientData
        since = try container.decodeIfPresent(String.self, forKey: .since) ?? ""
        runsPassed = try container.decodeIfPresent(Int.self, forKey: .runsPassed) ?? 0
        runsFailed = try container.decodeIfPresent(Int.self, forKey: .runsFailed) ?? 0
        runsInconclusive = try container.decodeIfPresent(Int.self, forKey: .runsInconclusive) ?? 0
        lastRun = try container.decodeIfPresent(RunRecord.self, forKey: .last).map(LastRun.init)
        tags = try container.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
        file = try container.decodeIfPresent(String.self, forKey: .file) ?? ""
        goneSince = try container.decodeIfPresent(String.self, forKey: .goneSince)
        maintenance = try container.decodeIfPresent(Bool.self, forKey: .maintenance)
        runsFlaky = try container.decodeIfPresent(Int.self, forKey: .runsFlaky) ?? 0
    }

    /// The keys in `CodingKeys` order; `last` as read when no run replaced it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(recent, forKey: .recent)
        try container.encode(state, forKey: .state)
        try container.encode(since, forKey: .since)
        try container.encode(runsPassed, forKey: .runsPassed)
        try container.encode(runsFailed, forKey: .runsFailed)
        try container.encode(runsInconclusive, forKey: .runsInconclusive)
        try container.encode(runsFlaky, forKey: .runsFlaky)
        if let lastRun {
            if let json = lastRun.json {
                try container.encode(RawRecordJSON(bytes: json), forKey: .last)
            } else {
                try container.encodeIfPresent(lastRun.record, forKey: .last)
            }
        }
        try container.encode(tags, forKey: .tags)
        try container.encode(file, forKey: .file)
        try container.encodeIfPresent(goneSince, forKey: .goneSince)
        try container.encodeIfPresent(maintenance, forKey: .maintenance)
    }
}

extension RunRecord {
    /// The record without failure messages, errors and request and response details (a response
    /// is kept only for its certificate's expiry): state.json holds one per canary and is read
    /// and rewritten by every run, so for 10,000 canaries every byte here counts.
    public var trimmedForState: RunRecord {
        var record = self
        record.error = nil
        record.file = ""
        record.steps = steps.map { step in
            var step = step
            step.failures = []
            step.warnings = nil
            step.error = nil
            step.request = nil
            if step.response?.certificateNotAfter == nil { step.response = nil }
            return step
        }
        return record
    }
}
