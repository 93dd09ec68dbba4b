import CurlEngine

/// A canary as loaded from one file: named steps run in order, with defaults and alarm rules.
public struct Canary: Sendable {
    public var name: String
    public var description: String?
    /// The file it came from, as given on the command line.
    public var file: String
    public var schedule: Schedule?
    /// Limit on one whole run (all steps); default 60 s.
    public var timeout: Duration
    /// Extra attempts after a failed run; the last attempt counts.
    public var retries: Int
    /// In source order; copied into records, events and metric labels.
    public var tags: [(key: String, value: String)]
    public var variables: [String: String]
    public var defaults: RequestDefaults
    public var alarm: AlarmRule
    public var steps: [Step]
    /// `maintenance`: windows when runs go on but hold the alarm.
    public var maintenance: [MaintenanceWindow] = []
    /// `dependsOn`: canaries whose ALARM holds this one's change to ALARM (`suppressedBy`).
    public var dependsOn: [String] = []
    /// Where each name of `dependsOn` is written, for load errors.
    public var dependsOnPlaces: [SourceLocation] = []
    /// For a canary of a `matrix`: the name before its entries (`checkout` of `checkout[eu]`),
    /// which `--only` selects all of them by.
    public var matrixBase: String? = nil
    /// `trace` (or `defaults.trace`): the trace headers its steps send; nil: `TraceFormat.standard`.
    public var trace: [TraceFormat]? = nil
    /// `cookies: true`: a cookie jar per attempt, carried from step to step (never to another
    /// attempt, run or canary); `expect.cookies` and `capture: {cookie: …}` read it.
    public var cookies = false

    /// The trace headers its steps send unless `--trace` says otherwise.
    public var traceFormats: [TraceFormat] { trace ?? defaults.trace ?? TraceFormat.standard }

    public init(
        name: String, description: String? = nil, file: String, schedule: Schedule? = nil,
        timeout: Duration = .seconds(60), retries: Int = 0, tags: [(key: String, value: String)] = [],
        variables: [String: String] = [:], defaults: RequestDefaults = RequestDefaults(),
        alarm: AlarmRule = AlarmRule(), steps: [Step]
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.schedule = schedule
        self.timeout = timeout
        self.retries = retries
        self.tags = tags
        self.variables = variables
        self.defaults = defaults
        self.alarm = alarm
        self.steps = steps
    }
}

/// ALARM when at least `datapointsToAlarm` of the last `evaluationPeriods` runs failed.
public struct AlarmRule: Sendable, Equatable, Codable {
    public var evaluationPeriods: Int
    public var datapointsToAlarm: Int
    /// The `severity` label of its Alertmanager alert.
    public var severity: String
    /// `remindEvery`: while in ALARM, a reminder event this often; nil sends none.
    public var remindEvery: Duration?
    /// `degradedFails`: a degraded run (passed, a `warn` check missed) counts as a failing datapoint.
    public var degradedFails: Bool
    /// `flakyFails`: a run that passed only on a retry counts as a failing datapoint.
    public var flakyFails = false
    /// `locations: {failing: N}`: `canary rules` alerts on the canary when at least N locations
    /// (values of the `location` label) are in ALARM, instead of on each location's ALARM.
    public var locationsFailing: Int? = nil
    public init(
        evaluationPeriods: Int = 1, datapointsToAlarm: Int = 1, severity: String = "critical", remindEvery: Duration? = nil,
        degradedFails: Bool = false
    ) {
        self.degradedFails = degradedFails
        self.evaluationPeriods = evaluationPeriods
        self.datapointsToAlarm = datapointsToAlarm
        self.severity = severity
        self.remindEvery = remindEvery
    }
}

/// Request settings merged into every step's request; a step's own values win.
public struct RequestDefaults: Sendable, Equatable {
    public var headers: [(name: String, value: Template)]
    public var timeout: Duration?
    public var followRedirects: Bool?
    public var maxRedirects: Int?
    public var insecure: Bool?
    /// Follow redirects from https down to http (refused by default).
    public var allowInsecureRedirects: Bool?
    /// `defaults.trace`: as the canary's `trace`, which wins over it.
    public var trace: [TraceFormat]?
    public var connection = ConnectionSettings()
    public init(
        headers: [(name: String, value: Template)] = [], timeout: Duration? = nil,
        followRedirects: Bool? = nil, maxRedirects: Int? = nil, insecure: Bool? = nil
    ) {
        self.headers = headers
        self.timeout = timeout
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.insecure = insecure
    }
    public static func == (lhs: RequestDefaults, rhs: RequestDefaults) -> Bool {
        lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
            && lhs.timeout == rhs.timeout && lhs.followRedirects == rhs.followRedirects
            && lhs.maxRedirects == rhs.maxRedirects && lhs.insecure == rhs.insecure
            && lhs.allowInsecureRedirects == rhs.allowInsecureRedirects && lhs.trace == rhs.trace
            && lhs.connection == rhs.connection
    }
}

/// One step: a request (or a tcp, tls or dns probe), what to expect of its outcome, and what
/// to capture from it.
public struct Step: Sendable {
    public var name: String
    public var kind: StepKind
    /// The HTTP request of an HTTP step; nil for the other kinds.
    public var request: RequestTemplate? {
        if case .http(let request) = kind { request } else { nil }
    }
    public var assertions: [Assertion]
    public var captures: [Capture]
    /// false (default): a failed step ends the run and later steps are skipped.
    public var continueOnFailure: Bool
    public var location: SourceLocation?
    /// How its HTML response is rendered (the step's `screenshot`, else `defaults.screenshot`).
    public var screenshot = ScreenshotSettings()
    /// `expect.visual`: compare the screenshot with the canary's baseline.
    public var visual: VisualExpectation?
    /// `warn`: checks like `assertions` whose misses make a passing run degraded, not failed.
    public var warnings: [Assertion] = []
    public init(
        name: String, request: RequestTemplate, assertions: [Assertion] = [], captures: [Capture] = [],
        continueOnFailure: Bool = false, location: SourceLocation? = nil
    ) {
        self.init(name: name, kind: .http(request), assertions: assertions, captures: captures,
                  continueOnFailure: continueOnFailure, location: location)
    }
    public init(
        name: String, kind: StepKind, assertions: [Assertion] = [], captures: [Capture] = [],
        continueOnFailure: Bool = false, location: SourceLocation? = nil
    ) {
        self.name = name
        self.kind = kind
        self.assertions = assertions
        self.captures = captures
        self.continueOnFailure = continueOnFailure
        self.location = location
    }
}

/// A request before interpolation. nil settings fall back to the canary's defaults, then to
/// built-in defaults (10 s timeout, follow up to 10 redirects, verify TLS).
public struct RequestTemplate: Sendable {
    public enum Body: Sendable {
        case raw(Template)
        /// Strings inside are templates, interpolated at run time.
        case json(JSONValue)
        case form([(name: String, value: Template)])
    }
    public var method: String
    public var url: Template
    public var query: [(name: String, value: Template)]
    public var headers: [(name: String, value: Template)]
    public var body: Body?
    public var timeout: Duration?
    public var followRedirects: Bool?
    public var maxRedirects: Int?
    public var insecure: Bool?
    /// Follow redirects from https down to http (refused by default).
    public var allowInsecureRedirects: Bool?
    /// `unixSocket`: connect to this socket (an absolute path, placeholders allowed).
    public var unixSocket: Template?
    /// `httpVersion`, `resolve`, `ipVersion`, `unixSocket`; unset ones come from the defaults.
    public var connection = ConnectionSettings()
    public init(
        method: String = "GET", url: Template, query: [(name: String, value: Template)] = [],
        headers: [(name: String, value: Template)] = [], body: Body? = nil, timeout: Duration? = nil,
        followRedirects: Bool? = nil, maxRedirects: Int? = nil, insecure: Bool? = nil
    ) {
        self.method = method
        self.url = url
        self.query = query
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.insecure = insecure
    }
}

/// `clientCertificate: {cert, key, password}` as written: PEM paths relative to `folder` (the
/// canary file's), placeholders allowed; the password may be a `{{secret.X}}`.
public struct ClientCertificateTemplate: Sendable, Equatable {
    public var cert: Template
    public var key: Template?
    public var password: Template?
    /// The canary file's folder, absolute: relative paths are read from there.
    public var folder: String
    public init(cert: Template, key: Template? = nil, password: Template? = nil, folder: String) {
        self.cert = cert
        self.key = key
        self.password = password
        self.folder = folder
    }
}

/// `proxy` as written: "none", "env", or a proxy URL (placeholders allowed: credentials may be
/// `{{secret.X}}`).
public enum ProxyTemplate: Sendable, Equatable {
    /// `"none"`: no proxy, not even `--proxy`'s.
    case direct
    case environment
    case url(Template)
}

/// How a request reaches its server, as written in a request or `defaults`; nil is unset.
public struct ConnectionSettings: Sendable, Equatable {
    public var httpVersion: ConnectionOptions.HTTPVersion?
    /// `host:port:address` entries (curl's `--resolve`).
    public var resolve: [String]?
    public var ipVersion: Int?
    public var clientCertificate: ClientCertificateTemplate?
    public var proxy: ProxyTemplate?
    public init() {}

    /// Each setting of `self`, else of `defaults`.
    public func options(over defaults: ConnectionSettings) -> ConnectionOptions {
        ConnectionOptions(
            httpVersion: httpVersion ?? defaults.httpVersion, resolve: resolve ?? defaults.resolve ?? [],
            ipVersion: ipVersion ?? defaults.ipVersion)
    }
}
