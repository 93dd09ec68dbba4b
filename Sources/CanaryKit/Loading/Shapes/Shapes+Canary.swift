import CurlEngine

/// The shapes of the canary file's top level, steps, requests, defaults, alarm and maintenance.
/// A new key goes here (with its doc line and example) and into the decode function that reads it.
enum Shapes {
    static let canary = Shape(name: "canary", doc: "One canary: what to run, how often, and what to check.", fields: [
        Field("name", .string, "The canary's name, free text up to 200 characters (default: the file name without .json/.json5).", example: #""checkout""#),
        Field("description", .string, "What the canary checks, for people.", example: #""Login and fetch the basket""#),
        Field("schedule", .pattern("^[ \\t]*(\(caseless("rate"))|\(caseless("cron")))\\(.*\\)[ \\t]*$"), "How often `canary schedule` runs it: rate(N minutes) or cron(5 fields).",
              example: #""rate(5 minutes)""#),
        Field("timeout", .duration, "Limit for one whole run of the canary.", example: #""30s""#),
        Field("retries", .integer(0...10), "Attempts after a failed run before it counts as failed.", example: "1"),
        Field("tags", .map(.text), "Labels copied to metrics and events; select with --tag.", example: #"{team: "payments"}"#),
        Field("variables", .map(.text), "Values for {{name}} placeholders; --var overrides them.", example: #"{base: "https://api.example.com"}"#),
        Field("defaults", .shape("defaults"), "Request settings every step starts from.", example: #"{timeout: "10s"}"#),
        Field("alarm", .shape("alarm"), "When failures raise an alarm.", example: #"{evaluationPeriods: 3, datapointsToAlarm: 2}"#),
        Field("maintenance", .array(.shape("maintenanceWindow")), "Windows when failures raise no alarm.",
              example: #"[{cron: "0 2 * * 0", duration: "2h"}]"#),
        Field("dependsOn", .array(.string), "Canaries whose failure explains this one's.", example: #"["egress-dns"]"#),
        Field("steps", .array(.shape("step"), minItems: 1), required: true, "The steps, run in order.",
              example: #"[{request: {url: "https://example.com/health"}, expect: {status: 200}}]"#),
        Field("trace", traceFormats, "Trace context headers sent: w3c, xray, b3 (comma-separated) or none.", example: #""w3c,xray""#),
        Field("cookies", .boolean, "A cookie jar per run: cookies a response sets are sent by later requests (and redirects) of the same run.",
              example: "true"),
        Field("matrix", .map(.array(.anyOf([.string, .map(.text)]), minItems: 1)),
              "One canary per combination of entries, named checkout[eu,chrome]; each entry's name and values become {{variables}} and tags.",
              example: #"{target: [{name: "eu", base: "https://eu.example.com"}, {name: "us", base: "https://us.example.com"}]}"#),
        Field("$schema", .string, "The JSON Schema this file follows, for editors; canary ignores it.",
              example: #""../schema/canary.schema.json""#),
    ])

    /// `expect` and `warn` take the checks of the step's kind (the decoder checks which kind).
    private static let checks = ValueKind.anyOf(["expect", "tcpExpect", "tlsExpect", "dnsExpect", "browserExpect"].map(ValueKind.shape))

    static let step = Shape(name: "step", doc: "One request (or tcp, tls or dns probe) and what its outcome must satisfy.", fields: [
        Field("name", .string, "The step's name, free text up to 200 characters, unique in the canary (default: step-N).", example: #""get json""#),
        Field("request", .shape("request"), "The HTTP request to send.", example: #"{url: "https://example.com/"}"#),
        Field("tcp", .shape("tcp"), "Instead of a request: a TCP connection and its banner.", example: #"{host: "mail.example.com", port: 25}"#),
        Field("tls", .shape("tls"), "Instead of a request: a TLS handshake and its certificate.", example: #"{host: "api.example.com", port: 443}"#),
        Field("dns", .shape("dns"), "Instead of a request: a DNS query and its answers.", example: #"{name: "example.com", type: "A"}"#),
        Field("browser", .shape("browser"), "Instead of a request: a page in headless Chromium and actions on it.",
              example: ##"{url: "{{base}}/login", actions: [{click: "#go"}]}"##),
        Field("expect", checks, "Checks the response must pass, or the run fails.", example: #"{status: 200}"#),
        Field("warn", checks, "Checks that make a passing run degraded when missed.", example: #"{duration: {lt: "800ms"}}"#),
        Field("capture", .map(.anyOf([.shape("capture"), .shape("tcpCapture"), .shape("browserCapture")])), "Values taken from the response (or a tcp banner, or a page) as {{name}} for later steps.",
              example: #"{token: {json: "$.token"}}"#),
        Field("continueOnFailure", .boolean, "Run the next steps even when this one fails.", example: "true"),
        Field("screenshot", .shape("screenshot"), "Browser screenshot size for this step.", example: #"{width: 1280, height: 800}"#),
    ], rules: [.exactlyOne(stepKinds.map { [$0] })])

    /// The keys a request and the defaults share.
    private static let requestSettings = [
        Field("timeout", .duration, "Limit for the request, redirects included.", example: #""10s""#),
        Field("followRedirects", .boolean, "Follow 3xx responses (default true).", example: "false"),
        Field("maxRedirects", .integer(0...100), "How many redirects to follow at most.", example: "5"),
        Field("insecure", .boolean, "Skip TLS certificate verification.", example: "true"),
        Field("allowInsecureRedirects", .boolean, "Allow a redirect from https to http.", example: "true"),
        Field("httpVersion", .choice(ConnectionOptions.HTTPVersion.allCases.map(\.rawValue)),
              "The HTTP version to speak (default: HTTP/2 where a TLS server offers it, else 1.1).", example: #""2""#),
        Field("resolve", .map(.string), "Connect to this address for this host:port, as curl's --resolve.",
              example: #"{"api.example.com:443": "127.0.0.1"}"#),
        Field("ipVersion", .anyOf([.integer(4...4), .integer(6...6)]), "Connect over IPv4 or IPv6 only.", example: "4"),
        Field("proxy", .template, #"A proxy: "http://…", "https://…", "socks5h://…" (credentials as user-info), "env" (curl's variables) or "none"."#,
              example: #""socks5h://{{secret.PROXY_USER}}:{{secret.PROXY_PASSWORD}}@proxy.internal:1080""#),
        Field("clientCertificate", .shape("clientCertificate"), "A TLS client certificate: PEM files relative to the canary file.",
              example: #"{cert: "{{env.CERTS}}/client.pem", key: "{{env.CERTS}}/client.key", password: "{{secret.CLIENT_KEY_PASSWORD}}"}"#),
    ]

    static let clientCertificate = Shape(name: "clientCertificate", doc: "A TLS client certificate (curl's --cert, --key, --pass).", fields: [
        Field("cert", .template, required: true, "The certificate, PEM, relative to the canary file's folder.", example: #""certs/client.pem""#),
        Field("key", .template, "Its private key, PEM (default: in the cert file).", example: #""certs/client.key""#),
        Field("password", .template, "The key's password; use {{secret.NAME}} (never recorded).", example: #""{{secret.CLIENT_KEY_PASSWORD}}""#),
    ])

    private static let headers = Field("headers", .map(.text), "Request headers: name to value (placeholders allowed).",
                                       example: #"{Accept: "application/json"}"#)

    static let request = Shape(name: "request", doc: "An HTTP request.", fields: [
        Field("method", .pattern(#"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"#), "The HTTP method (default GET).", example: #""POST""#),
        Field("url", .template, required: true, "The URL: http:// or https://, placeholders allowed.", example: #""{{base}}/login""#),
        Field("query", .map(.text), "Query parameters added to the URL.", example: #"{page: 1}"#),
        headers,
        Field("json", .any, "A JSON body (sets Content-Type: application/json); strings may hold placeholders.",
              example: #"{user: "{{user}}"}"#),
        Field("body", .template, "A raw text body.", example: #""ping""#),
        Field("form", .map(.text), "A form body (application/x-www-form-urlencoded).", example: #"{q: "canary"}"#),
        Field("unixSocket", .template, "Connect to this unix socket (an absolute path) instead of the URL's host and port.", example: #""/run/app.sock""#),
    ] + requestSettings, rules: [.atMostOne(["json", "body", "form"])])

    static let defaults = Shape(name: "defaults", doc: "Request settings every step starts from.", fields: [headers] + requestSettings + [
        Field("screenshot", .shape("screenshot"), "Browser screenshot size for every step.", example: #"{width: 1280}"#),
        Field("trace", traceFormats, "Trace context headers sent by every step.", example: #""w3c,b3""#),
    ])

    static let alarm = Shape(name: "alarm", doc: "When failures raise an alarm (M of N runs, as CloudWatch).", fields: [
        Field("evaluationPeriods", .integer(1...1000), "How many recent runs are looked at (N).", example: "3"),
        Field("datapointsToAlarm", .integer(1...1000), "How many of them must fail (M, at most N).", example: "1"),
        Field("severity", .pattern(#"^[^\s]{1,40}$"#), "A word for Alertmanager routes: critical, warning, info...", example: #""critical""#),
        Field("remindEvery", .duration, "Send the alarm again this often while it lasts.", example: #""4h""#),
        Field("degradedFails", .boolean, "Count a degraded run (a missed warn check) as failed.", example: "true"),
        Field("flakyFails", .boolean, "Count a run that passed only on retry as failed.", example: "true"),
        Field("locations", .shape("alarmLocations"), "Across locations: how many in ALARM make the verdict.", example: #"{failing: 2}"#),
    ])

    static let alarmLocations = Shape(name: "alarmLocations", doc: "A quorum of locations.", fields: [
        Field("failing", .integer(1...1000), required: true, "How many locations in ALARM make the verdict.", example: "2"),
    ])

    static let maintenanceWindow = Shape(
        name: "maintenanceWindow", doc: "A recurring window (cron and duration) or a single one (from and to).",
        fields: [
            Field("cron", .string, "When a recurring window starts: 5 cron fields, UTC.", example: #""0 2 * * 0""#),
            Field("duration", .duration, "How long a recurring window lasts.", example: #""2h""#),
            Field("from", .pattern(#"Z$"#), "Start of a single window: ISO 8601 UTC.", example: #""2026-12-01T02:00:00Z""#),
            Field("to", .pattern(#"Z$"#), "End of a single window: ISO 8601 UTC.", example: #""2026-12-01T04:00:00Z""#),
        ], rules: [.exactlyOne([["cron", "duration"], ["from", "to"]])])

    /// A window of `--maintenance FILE` (not a canary file): the canary file's, with `tags`.
    static let fleetWindow = Shape(
        name: "fleetWindow", doc: "A maintenance window for the canaries with these tags (all without).",
        fields: maintenanceWindow.fields + [Field("tags", .map(.text), "Tags the canaries must have.", example: #"{team: "payments"}"#)],
        rules: maintenanceWindow.rules)

    /// `"w3c,xray"` or a list of such words.
    static var traceFormats: ValueKind {
        let word = "(" + TraceFormat.allCases.map { caseless($0.rawValue) }.joined(separator: "|") + ")"
        // Split at commas (empty pieces dropped), each piece trimmed; a list's items are joined
        // with commas first.
        let list = "[ \\t,]*\(word)([ \\t]*,[ \\t,]*\(word))*[ \\t,]*"
        let words = "^(\(list)|[ \\t,]*\(caseless("none"))[ \\t,]*)$"
        return .anyOf([.pattern(words), .array(.pattern(words))])
    }

    /// `w3c` as `[wW]3[cC]`: patterns without flags, for any regex dialect.
    static func caseless(_ word: String) -> String {
        word.map { $0.isLetter ? "[\($0.lowercased())\($0.uppercased())]" : String($0) }.joined()
    }
}
