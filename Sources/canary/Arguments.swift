import CanaryKit
import Foundation

/// A command line that could not be understood; printed with a pointer to `--help`. Exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Options of `canary run` (and the subset `validate` and `list` use).
struct RunOptions {
    var paths: [String] = []
    var variables: [String: String] = [:]
    var jobs = 32
    var results = "results"
    var only: [String] = []
    var tags: [(key: String, value: String)] = []
    var verbose = false
    var quiet = false
    var caFile: String?
    /// `--proxy URL|env|none`: the proxy of requests whose canary file names none.
    var proxy: String?
    var wait = true
    /// `--lock-timeout`: how long `run` waits for the results folder's lock before it exits 3.
    var lockTimeout = RunLock.defaultTimeout
    var keep = 100
    /// `--artifacts`: which runs get a browsable folder.
    var artifacts = ArtifactPolicy.failed
    /// `--retain`, `--max-bytes`: how much of the exchange segments is kept.
    var retention = Retention()
    var maxSnapshotBytes = 1 << 20
    var maxBodyBytes = 64 << 20
    var outputs = OutputSettings()
    /// `--screenshots`; nil: `failed` when a browser is found, else none (with one notice).
    var screenshots: ScreenshotMode?
    var screenshotJobs = 2
    /// `--browser-jobs`: browser steps' pages open at once in the one Chromium.
    var browserJobs = 2
    var screenshotTimeout: Duration = .seconds(30)
    var browser: String?
    /// `canary baseline --run RUNID`.
    var runId: String?
    var reportOutput = "report.html"
    var shard: Shard?
    var location: String?
    var logJSON = false
    /// `--results-mode`: mode of result files (folders get the matching search bits).
    var resultsMode: mode_t?
    var allowSharedResults = false
    /// `--pass-env NAME`: variables child processes get besides PATH, HOME, LANG and TZ.
    var passEnvironment: [String] = []
    /// `schedule`: after SIGTERM, how long runs in flight may go on before they are cancelled.
    var stopTimeout: Duration = .seconds(10)
    /// `--allow-unused-vars`: a --var no selected canary uses is a warning, not an error.
    var allowUnusedVars = false
    /// The names given with `--var` (not those of `--vars-file`, a shared set that many canaries
    /// draw from): only these must be used by a selected canary.
    var commandLineVariables: Set<String> = []
    /// `--report-format FORMAT[:PATH]`: github, tap or json; PATH `-` (stdout) by default.
    var reports: [(format: ReportFormat, path: String)] = []
    /// `--fail-fast`: after the first failed canary, start no more and cancel those running.
    var failFast = false
    /// `--retry N`, `--retry-interval D`, `--timeout D`: override every canary's own.
    var retries: Int?
    var retryInterval: Duration = .zero
    var timeout: Duration?
    /// `--no-results`: records go to a temporary folder, removed when the run ends.
    var noResults = false
    /// `--maintenance FILE`: the fleet's maintenance windows, each for the canaries its tags select.
    var maintenance: [FleetMaintenance] = []
    /// The `--maintenance` files, which `canary schedule` reads again on SIGHUP.
    var maintenanceFiles: [String] = []
    /// `canary rules --for D`: how long an ALARM lasts before its alert fires.
    var rulesPending: Duration?
    /// `schedule --listen [ADDR]:PORT`: serve /metrics, the status page and health there.
    var listen: ListenAddress?
    /// `--color auto|always|never`: colour the marks of run lines (auto: on a terminal, no NO_COLOR).
    var color = ColorChoice.auto
    /// `--trace w3c,xray,b3|none`: the trace headers every step sends, over the canaries' own.
    var traceFormats: [TraceFormat]?
    /// `canary report --trace-url TEMPLATE`: trace ids link there, `{traceId}` replaced.
    var traceURL: String?

    /// --only, --tag and --shard select; --location labels (as the tag `location`, so records,
    /// metrics and events all carry it), replacing a `location` tag of the file.
    func prepare(_ canaries: [Canary]) -> [Canary] {
        canaries.compactMap { canary in
            // `--only checkout` also selects every canary of checkout's matrix (`checkout[eu]`).
            guard only.isEmpty || only.contains(canary.name) || canary.matrixBase.map(only.contains) == true,
                  tags.allSatisfy({ wanted in canary.tags.contains { $0.key == wanted.key && $0.value == wanted.value } }),
                  shard?.contains(canary.name) ?? true
            else { return nil }
            var labelled = canary
            // The flag wins over a `location` tag in the file: one file is shared by the runners
            // of every location, and only the runner knows where it runs.
            if let location {
                labelled.tags.removeAll { $0.key == "location" }
                labelled.tags.append((key: "location", value: location))
            }
            return labelled
        }.applyingMaintenance(maintenance)
    }
}

private extension Array where Element == Canary {
    /// Windows of `--maintenance` select by tag, so after `--location` has labelled the canaries.
    func applyingMaintenance(_ windows: [FleetMaintenance]) -> [Canary] { MaintenanceFile.applying(windows, to: self) }
}

extension RunOptions {
    /// `--maintenance FILE`; every problem in it is a usage error naming its place.
    static func maintenanceFile(_ path: String, command: String) throws(UsageError) -> [FleetMaintenance] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("\(command): --maintenance \(path): cannot read the file; check the path")
        }
        switch MaintenanceFile.parse([UInt8](data), file: path) {
        case .success(let windows): return windows
        case .failure(let failure):
            throw UsageError("\(command): --maintenance: " + failure.list.map(\.description).joined(separator: "\n"))
        }
    }
}

/// Reads `argv` after the command name: flags in any order, `--flag value` or `--flag=value`.
struct ArgumentReader {
    private var remaining: [String]
    let command: String

    init(command: String, arguments: [String]) {
        self.command = command
        remaining = arguments
    }

    mutating func parseRun(allowed: Set<String>, refused: [String: String] = [:], needsPaths: Bool = true) throws(UsageError) -> RunOptions {
        var options = RunOptions()
        var onlyPaths = false
        // --on-alarm / --on-run and their -arg flags, joined once all flags are read.
        var programs: [String: [String]] = [:], programArgs: [String: [String]] = [:]
        // --vars-file values, under --var's (which win whatever the order).
        var fileVariables: [String: String] = [:], resultsGiven = false
        var otlpURL: String?
        while !remaining.isEmpty {
            let argument = remaining.removeFirst()
            // `--` ends the options: what follows are paths, even `-v` (a file named so).
            if argument == "--", !onlyPaths {
                onlyPaths = true
                continue
            }
            guard argument.hasPrefix("-"), argument != "-", !onlyPaths else {
                options.paths.append(argument)
                continue
            }
            var (flag, inline) = Self.split(argument)
            if flag == "-v" { flag = "--verbose" }
            if flag == "-q" { flag = "--quiet" }
            if flag == "-o" { flag = "--output" }
            if let reason = refused[flag] { throw UsageError("\(command): \(flag) is an option of `canary run` only: \(reason)") }
            guard allowed.contains(flag) else {
                throw UsageError("\(command): unknown option '\(flag)'" + Self.suggestion(flag, in: allowed))
            }
            switch flag {
            case "--verbose": options.verbose = true
            case "--quiet": options.quiet = true
            case "--no-wait": options.wait = false
            case "--allow-shared-results": options.allowSharedResults = true
            case "--pass-env":
                let name = try value(of: flag, inline)
                guard ChildEnvironment.isName(name) else {
                    throw UsageError("\(command): --pass-env takes the name of an environment variable, not '\(name)'")
                }
                options.passEnvironment.append(name)
            case "--results-mode":
                let text = try value(of: flag, inline)
                guard let mode = ResultsAccess.parseMode(text) else {
                    throw UsageError("\(command): --results-mode '\(text)' is not a file mode; give octal digits the owner can read and write, like 0600 or 0640")
                }
                options.resultsMode = mode
            case "--allow-unused-vars": options.allowUnusedVars = true
            case "--color":
                let text = try value(of: flag, inline)
                guard let choice = ColorChoice(rawValue: text) else {
                    throw UsageError("\(command): --color takes auto, always or never, got '\(text)'")
                }
                options.color = choice
            case "--var":
                let (name, value) = try pair(try value(of: flag, inline), flag: flag, example: "base=https://staging.example.com")
                options.variables[name] = value
                options.commandLineVariables.insert(name)
            case "--vars-file":
                let path = try value(of: flag, inline)
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw UsageError("\(command): --vars-file \(path): cannot read it as UTF-8 text; check the path")
                }
                do throws(VariablesFile.Problem) {
                    fileVariables.merge(try VariablesFile.parse(text, file: path)) { _, later in later }
                } catch {
                    throw UsageError("\(command): --vars-file \(error)")
                }
            case "--secrets-file":
                let path = try value(of: flag, inline)
                do throws(SecretsFile.Problem) {
                    // Into this process's environment, where {{secret.NAME}} looks (and the checks
                    // for unset secrets too); child processes get a minimal environment of their own.
                    for (name, secret) in try SecretsFile.load(path) { setenv(name, secret, 1) }
                } catch {
                    throw UsageError("\(command): --secrets-file \(error)")
                }
            case "--maintenance":
                let path = try value(of: flag, inline)
                options.maintenance += try RunOptions.maintenanceFile(path, command: command)
                options.maintenanceFiles.append(path)
            case "--report-format":
                let text = try value(of: flag, inline)
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard let format = parts.first.flatMap(ReportFormat.init(rawValue:)) else {
                    throw UsageError("\(command): --report-format takes github, tap or json (tap and json may add :PATH), got '\(text)'")
                }
                if format == .github, parts.count > 1 {
                    throw UsageError("\(command): --report-format github writes to stdout and $GITHUB_STEP_SUMMARY; it takes no path")
                }
                options.reports.append((format, parts.count > 1 ? parts[1] : "-"))
            case "--fail-fast": options.failFast = true
            case "--trace-url": options.traceURL = try value(of: flag, inline)
            case "--emf":
                let path = try value(of: flag, inline)
                do throws(RecordingError) { try OutputFile.prepare(path, flag: flag) } catch { throw UsageError("\(command): \(error)") }
                options.outputs.emfPath = path
            case "--emf-namespace":
                let namespace = try value(of: flag, inline)
                // CloudWatch: 1 to 255 characters, none of them a control character.
                guard (1...255).contains(namespace.count), !namespace.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw UsageError("\(command): --emf-namespace takes 1 to 255 printable characters, like CloudWatchSynthetics")
                }
                options.outputs.emfNamespace = namespace
            case "--trace":
                let text = try value(of: flag, inline)
                guard let formats = TraceFormat.list(text) else {
                    throw UsageError("\(command): --trace takes \(TraceFormat.choices), got '\(text)'")
                }
                options.traceFormats = formats
            case "--no-results": options.noResults = true
            case "--retry": options.retries = try count(try value(of: flag, inline), flag: flag, minimum: 0)
            case "--retry-interval", "--timeout":
                let text = try value(of: flag, inline)
                guard let duration = Duration(humanText: text), duration >= .zero, flag == "--retry-interval" || duration > .zero else {
                    throw UsageError("\(command): \(flag) takes a duration like 2s or 500ms, got '\(text)'")
                }
                if flag == "--timeout" { options.timeout = duration } else { options.retryInterval = duration }
            case "--listen":
                let text = try value(of: flag, inline)
                guard let address = ListenAddress(text) else {
                    throw UsageError("\(command): --listen takes [ADDRESS]:PORT like :9464 (loopback), 127.0.0.1:9464 or 0.0.0.0:9464, got '\(text)'")
                }
                options.listen = address
            case "--for":
                let text = try value(of: flag, inline)
                guard let duration = Duration(humanText: text), duration >= .seconds(1) else {
                    throw UsageError("\(command): --for takes a duration of at least 1s like 2m, got '\(text)'")
                }
                options.rulesPending = duration
            case "--tag":
                let (key, value) = try pair(try value(of: flag, inline), flag: flag, example: "team=payments")
                options.tags.append((key, value))
            case "--only": options.only.append(try value(of: flag, inline))
            case "--results":
                options.results = try value(of: flag, inline)
                resultsGiven = true
            case "--cacert": options.caFile = try value(of: flag, inline)
            case "--proxy":
                let text = try value(of: flag, inline)
                let lowered = text.lowercased()
                guard text == "env" || text == "none" || ["http://", "https://", "socks5://", "socks5h://"].contains(where: { lowered.hasPrefix($0) && lowered.count > $0.count }) else {
                    throw UsageError("\(command): --proxy takes a proxy URL (http://host:port, https://…, socks5h://host:port, socks5://…), env or none; got something else (not repeated here: it may hold credentials)")
                }
                options.proxy = text
            case "--junit": options.outputs.junitPath = try value(of: flag, inline)
            case "--pushgateway": options.outputs.pushgateway = try value(of: flag, inline)
            case "--otlp":
                let text = try value(of: flag, inline)
                guard let parts = URLComponents(string: text), ["http", "https"].contains(parts.scheme?.lowercased() ?? ""), parts.host != nil else {
                    throw UsageError("\(command): --otlp takes a collector's base URL like http://localhost:4318, got something else (not repeated here: it may hold a token)")
                }
                otlpURL = text
            case "--webhook": options.outputs.webhooks.append(try value(of: flag, inline))
            case "--alertmanager": options.outputs.alertmanagers.append(try value(of: flag, inline))
            case "--report-url": options.outputs.reportURL = try value(of: flag, inline)
            case "--run-events": options.outputs.runEvents = true
            case "--screenshots": options.screenshots = try screenshotMode(inline)
            case "--screenshot-jobs": options.screenshotJobs = try count(try value(of: flag, inline), flag: flag, minimum: 1)
            case "--browser-jobs": options.browserJobs = try count(try value(of: flag, inline), flag: flag, minimum: 1)
            case "--screenshot-timeout":
                let text = try value(of: flag, inline)
                guard let timeout = Duration(humanText: text), timeout > .zero else {
                    throw UsageError("\(command): --screenshot-timeout takes a duration like 30s, got '\(text)'")
                }
                options.screenshotTimeout = timeout
            case "--browser": options.browser = try value(of: flag, inline)
            case "--run": options.runId = try value(of: flag, inline)
            case "--output": options.reportOutput = try value(of: flag, inline)
            // The program's path as given (spaces and all), its arguments one flag each: no shell,
            // no splitting, so nothing in a path or an argument is ever reinterpreted.
            case "--on-alarm", "--on-run":
                let program = try value(of: flag, inline)
                guard !program.isEmpty else { throw UsageError("\(command): \(flag) needs a program") }
                programs[flag, default: []].insert(program, at: 0)
            case "--on-alarm-arg", "--on-run-arg":
                programArgs[String(flag.dropLast(4)), default: []].append(try value(of: flag, inline))
            case "--lock-timeout":
                let text = try value(of: flag, inline)
                guard let timeout = Duration(humanText: text), timeout >= .zero else {
                    throw UsageError("\(command): --lock-timeout takes a duration like 5m or 30s, got '\(text)'")
                }
                options.lockTimeout = timeout
            case "--stop-timeout":
                let text = try value(of: flag, inline)
                guard let timeout = Duration(humanText: text), timeout >= .zero else {
                    throw UsageError("\(command): --stop-timeout takes a duration like 10s or 500ms, got '\(text)'")
                }
                options.stopTimeout = timeout
            case "--sink-timeout":
                let text = try value(of: flag, inline)
                guard let timeout = Duration(humanText: text), timeout > .zero else {
                    throw UsageError("\(command): --sink-timeout takes a duration like 5s or 500ms, got '\(text)'")
                }
                options.outputs.sinkTimeout = timeout
            case "--account": options.outputs.account = try value(of: flag, inline)
            case "--forget-after":
                let text = try value(of: flag, inline)
                guard let grace = Duration(humanText: text), grace >= .zero else {
                    throw UsageError("\(command): --forget-after takes a duration like 10m, 1h or 0s, got '\(text)'")
                }
                options.outputs.forgetAfter = grace
            case "--sink-max-age":
                let text = try value(of: flag, inline)
                guard let age = Duration(humanText: text), age > .zero else {
                    throw UsageError("\(command): --sink-max-age takes a duration like 1h or 30m, got '\(text)'")
                }
                options.outputs.sinkMaxAge = age
            case "--shard":
                let text = try value(of: flag, inline)
                guard let shard = Shard(text) else {
                    throw UsageError("\(command): --shard takes K/N with 1 <= K <= N, e.g. --shard 2/3; got '\(text)'")
                }
                options.shard = shard
            case "--location": options.location = try value(of: flag, inline)
            case "--log-format":
                let text = try value(of: flag, inline)
                guard text == "text" || text == "json" else { throw UsageError("\(command): --log-format is text or json, got '\(text)'") }
                options.logJSON = text == "json"
            case "--jobs": options.jobs = try count(try value(of: flag, inline), flag: flag, minimum: 1)
            case "--artifacts":
                let text = try value(of: flag, inline)
                guard let policy = ArtifactPolicy(rawValue: text) else {
                    throw UsageError("\(command): --artifacts takes \(ArtifactPolicy.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
                }
                options.artifacts = policy
            case "--retain":
                let text = try value(of: flag, inline)
                guard let duration = Duration(humanText: text), duration > .zero else {
                    throw UsageError("\(command): --retain takes a duration like 7d or 12h, got '\(text)'")
                }
                options.retention.retain = duration.milliseconds / 1000
            case "--max-bytes": options.retention.maxBytes = try byteCount(try value(of: flag, inline), flag: flag, minimum: 1)
            case "--keep": options.keep = try count(try value(of: flag, inline), flag: flag, minimum: 1)
            case "--max-snapshot-bytes": options.maxSnapshotBytes = try byteCount(try value(of: flag, inline), flag: flag, minimum: 0)
            case "--max-body-bytes": options.maxBodyBytes = try byteCount(try value(of: flag, inline), flag: flag, minimum: 1)
            default:
                throw UsageError("\(command): option '\(flag)' is not supported here")
            }
        }
        if allowed.contains("--otlp") {
            let environment = ProcessInfo.processInfo.environment
            options.outputs.otlp = OTLPConfig.resolve(flag: otlpURL, environment: environment)
            if options.outputs.otlp != nil, let problem = OTLPConfig.protocolProblem(environment: environment) {
                throw UsageError("\(command): \(problem)")
            }
        }
        options.variables = fileVariables.merging(options.variables) { _, commandLine in commandLine }
        if options.noResults {
            guard !resultsGiven else { throw UsageError("\(command): --no-results and --results exclude each other; give one") }
            options.results = LocalPath.join(NSTemporaryDirectory(), "canary-no-results-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        }
        let documents = options.reports.filter { $0.path == "-" && $0.format != .github }.count + (options.outputs.junitPath == "-" ? 1 : 0)
        // GitHub's annotations are stdout lines too: they would land inside a document there.
        guard documents <= 1, documents == 0 || !options.reports.contains(where: { $0.format == .github }) else {
            throw UsageError("\(command): only one report can go to stdout; give the others a path, e.g. --report-format json:summary.json")
        }
        for (flag, args) in programArgs where programs[flag] == nil {
            throw UsageError("\(command): \(flag)-arg \(args[0]) needs \(flag) PROGRAM")
        }
        options.outputs.onAlarm = programs["--on-alarm"].map { [$0[0]] + (programArgs["--on-alarm"] ?? []) }
        options.outputs.onRun = programs["--on-run"].map { [$0[0]] + (programArgs["--on-run"] ?? []) }
        guard !options.paths.isEmpty || !needsPaths else {
            throw UsageError("\(command): name at least one canary file or folder, e.g. `canary \(command) canaries/`")
        }
        return options
    }

    private mutating func value(of flag: String, _ inline: String?) throws(UsageError) -> String {
        if let inline { return inline }
        guard !remaining.isEmpty else { throw UsageError("\(command): \(flag) needs a value") }
        return remaining.removeFirst()
    }

    /// `--screenshots failed|all|none`; a bare `--screenshots` (its older form) means `all`.
    private mutating func screenshotMode(_ inline: String?) throws(UsageError) -> ScreenshotMode {
        let modes = ScreenshotMode.allCases.map(\.rawValue)
        if let inline {
            guard let mode = ScreenshotMode(rawValue: inline) else {
                throw UsageError("\(command): --screenshots takes \(modes.joined(separator: ", ")), got '\(inline)'")
            }
            return mode
        }
        if let next = remaining.first, let mode = ScreenshotMode(rawValue: next) {
            remaining.removeFirst()
            return mode
        }
        return .all
    }

    private func count(_ text: String, flag: String, minimum: Int) throws(UsageError) -> Int {
        guard let value = Int(text), value >= minimum else {
            throw UsageError("\(command): \(flag) takes a whole number of at least \(minimum), got '\(text)'")
        }
        return value
    }

    /// A size in bytes: a whole number, or one with a unit as Prometheus's retention size takes
    /// them, powers of 1024 (`512MB`, `1GiB`, `2g`: B, K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB).
    private func byteCount(_ text: String, flag: String, minimum: Int) throws(UsageError) -> Int {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let units: [String: Int] = ["": 0, "b": 0, "k": 1, "kb": 1, "kib": 1, "m": 2, "mb": 2, "mib": 2,
                                    "g": 3, "gb": 3, "gib": 3, "t": 4, "tb": 4, "tib": 4]
        if let number = Int(digits), let power = units[text.dropFirst(digits.count).lowercased()] {
            let (value, overflow) = number.multipliedReportingOverflow(by: 1 << (10 * power))
            if !overflow, value >= minimum { return value }
        }
        throw UsageError("\(command): \(flag) takes a size in bytes of at least \(minimum), as a whole number or with a unit (512MB, 1GiB; powers of 1024), got '\(text)'")
    }

    private func pair(_ text: String, flag: String, example: String) throws(UsageError) -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw UsageError("\(command): \(flag) takes NAME=VALUE, e.g. \(flag) \(example); got '\(text)'")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    private static func suggestion(_ flag: String, in allowed: Set<String>) -> String {
        let hint = NameSuggestion.hint(for: flag, among: allowed.sorted())
        return hint.isEmpty ? "; see `canary --help`" : hint
    }
}

/// `--report-format`: what CI reads besides JUnit.
enum ReportFormat: String {
    /// GitHub Actions workflow commands (`::error file=…,line=…::`) and a Markdown job summary.
    case github
    /// TAP version 13, one test point per canary.
    case tap
    /// One JSON document: the counts and every run.
    case json
}
