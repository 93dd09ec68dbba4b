import Foundation

/// Where the results of a batch go besides the run folders: alarm state, events and their sinks,
/// `metrics.prom`, the Pushgateway and JUnit. Shared by `run` and the scheduler.
public struct OutputSettings: Sendable {
    public var webhooks: [String] = []
    /// `--on-alarm` and `--on-alarm-arg`s: program and arguments, run without a shell, given
    /// every alarm state change.
    public var onAlarm: [String]?
    /// `--on-run` and `--on-run-arg`s: as `onAlarm`, given every run event (`--run-events`).
    public var onRun: [String]?
    /// `--run-events`: an event for every finished run, not only for alarm state changes.
    public var runEvents = false
    public var pushgateway: String?
    public var junitPath: String?
    /// Canary files that did not load, one (file, problems) each: JUnit lists them as errors.
    public var invalidFiles: [(file: String, message: String)] = []
    /// `--sink-timeout`: the whole time a run (or one scheduler flush, or the drain on SIGTERM)
    /// waits for its sinks; what is not delivered by then stays in the outbox.
    public var sinkTimeout: Duration = .seconds(5)
    /// `--account`: the `account` of every event (EventBridge's field); empty by default.
    public var account = ""
    /// `--sink-max-age`: how long an undelivered event is retried before it is dropped.
    public var sinkMaxAge: Duration = .seconds(3600)
    /// `--forget-after`: how long a canary whose file is gone keeps its state, metrics and
    /// Pushgateway group before it is removed (with a `Canary Removed` event).
    public var forgetAfter: Duration = .seconds(600)
    /// `--alertmanager` URLs: a canary in ALARM is posted to each on every run (see `AlertmanagerAlert`).
    public var alertmanagers: [String] = []
    /// `--report-url`: where the HTML report is published, linked from every alert.
    public var reportURL: String?
    /// `--otlp` and the `OTEL_*` variables: where spans and metrics go over OTLP/HTTP; nil: nowhere.
    public var otlp: OTLPConfig?
    /// `--emf FILE` (`-`: stdout): CloudWatch embedded-metric-format lines appended per run.
    public var emfPath: String?
    /// `--emf-namespace`.
    public var emfNamespace = EMF.defaultNamespace
    public init() {}
}
