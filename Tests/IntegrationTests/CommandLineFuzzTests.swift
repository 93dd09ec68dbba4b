import Foundation
import Testing

/// The command line is input too: random and adversarial argument lists run the real binary,
/// and every outcome must be an exit code canary documents, with a message when it is not 0 —
/// never a signal, never a backtrace. Canaries here only ever reach 127.0.0.1:1 (refused at
/// once), and URL flags only get loopback or malformed URLs, so no case sends traffic anywhere.
///
/// A failing case prints its arguments as JSON: save them under Tests/CommandLineRegressions/
/// (placeholders `$FIFO`, `$LONG`, `$FOLDER` stand for the scratch FIFO, a 4,000-byte path and
/// the scratch folder), fix canary, and the case runs every time from then on.
@Suite("canary command line: fuzzing the arguments")
struct CommandLineFuzzTests {
    /// Random cases per test run (each is one process, about 0.1 s); CANARY_CLI_FUZZ_CASES changes it.
    static let cases = Int(ProcessInfo.processInfo.environment["CANARY_CLI_FUZZ_CASES"] ?? "") ?? 100

    @Test("saved regression inputs end in a documented exit code with a message")
    func regressions() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CommandLineRegressions").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            let arguments = try JSONDecoder().decode([String].self, from: data).map(scratch.substitute)
            try await check(arguments, in: scratch, label: name)
        }
    }

    @Test("random argument lists end in a documented exit code with a message")
    func random() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let seed = UInt64(ProcessInfo.processInfo.environment["CANARY_CLI_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 0...UInt64.max)
        var generator = ArgumentGenerator(seed: seed)
        print("command-line fuzz: seed \(seed) (CANARY_CLI_FUZZ_SEED=\(seed) repeats it), \(Self.cases) cases")
        for index in 0..<Self.cases {
            let arguments = generator.next().map(scratch.substitute)
            try await check(arguments, in: scratch, label: "case \(index) of seed \(seed)")
        }
    }

    /// Runs one argument list; `schedule` that starts for real is stopped with SIGTERM and must exit 0.
    private func check(_ arguments: [String], in scratch: Scratch, label: String) async throws {
        let outcome = try await Outcome.of(arguments, in: scratch.path)
        let shown = String(data: try JSONEncoder().encode(arguments.map(scratch.unsubstitute)), encoding: .utf8) ?? "?"
        let context: Comment = "\(label): \(shown)\nstatus \(outcome.status) \(outcome.signalled ? "(signal)" : "")\n\(outcome.stdout)\(outcome.stderr)"
        #expect(!outcome.signalled, context)
        #expect([0, 1, 2, 3].contains(outcome.status), context)
        #expect(!outcome.stderr.contains("Backtrac") && !outcome.stderr.contains("Fatal error"), context)
        if outcome.status != 0 && !outcome.stoppedByUs {
            #expect(!(outcome.stdout + outcome.stderr).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, context)
        }
    }
}

/// What one process did.
private struct Outcome {
    var status: Int32
    var signalled: Bool
    var stoppedByUs: Bool
    var stdout: String
    var stderr: String

    /// Runs the binary in `folder`. `schedule` runs until stopped: after 1.5 s it gets SIGTERM.
    /// Anything still running after 20 s gets SIGKILL, which shows as a signal: a hang is a finding too.
    static func of(_ arguments: [String], in folder: String) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = folder + "/.out", err = folder + "/.err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        let exited = try launch(process)
        var stoppedByUs = false
        let start = ContinuousClock.now
        while process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
            let waited = ContinuousClock.now - start
            if arguments.first == "schedule", waited > .milliseconds(1500), !stoppedByUs {
                stoppedByUs = true
                process.terminate()
            } else if waited > .seconds(20) {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        await exited.value
        return Outcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, stoppedByUs: stoppedByUs,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}

/// The working folder of the fuzz cases: two canaries, a FIFO, results folders come and go.
/// It sits inside a folder of its own, so `..` is a scratch folder too.
private struct Scratch {
    let root: String
    let path: String
    static let long = String(repeating: "abcdefghi/", count: 400)

    init() throws {
        root = try makeTemporaryDirectory()
        path = root + "/work"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let canary = #"{name: "NAME", timeout: "2s", schedule: "rate(1 minute)", steps: [{request: {url: "http://127.0.0.1:1/"}}]}"#
        for name in ["a", "b"] {
            try canary.replacingOccurrences(of: "NAME", with: name).write(toFile: path + "/\(name).json", atomically: true, encoding: .utf8)
        }
        mkfifo(path + "/fifo.json", 0o644)
    }

    func substitute(_ argument: String) -> String {
        argument.replacingOccurrences(of: "$FIFO", with: path + "/fifo.json")
            .replacingOccurrences(of: "$LONG", with: Self.long)
            .replacingOccurrences(of: "$FOLDER", with: path)
    }

    func unsubstitute(_ argument: String) -> String {
        argument.replacingOccurrences(of: path + "/fifo.json", with: "$FIFO")
            .replacingOccurrences(of: Self.long, with: "$LONG")
            .replacingOccurrences(of: path, with: "$FOLDER")
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Argument lists from a seed: a command, then flags and values drawn from what each flag takes,
/// with wrong kinds, missing values, repeats and stray `--` mixed in.
private struct ArgumentGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    static let commands = ["run", "run", "run", "validate", "list", "report", "schedule", "help", "bogus", "", "--help", "-h", "--version"]
    /// Paths a run may write into: relative ones, the scratch folder, and ones that fail before
    /// anything is written. Never `/` or `//x` for --results: as root that writes into /.
    static let paths = [
        "r", "r/", "./r", "$FOLDER//x", "..", "~", "with space", "new\nline", "résumé-日本", "$LONG", "", "-", "$FIFO",
        "a.json", "b.json", "$FOLDER", "/sys/x", "a.json/x", "/proc/self/status", "/dev/null",
    ]
    /// Files that are only read or checked before writing (a folder is refused) may also be `/`.
    static let filePaths = paths + ["/"]
    static let numbers = ["0", "1", "-1", "3", "100000", "99999999999999999999", "9223372036854775807", "abc", "1e9", "", " 5", "0x10"]
    static let sizes = numbers + ["1KiB", "512MB", "2g", "8T", "9999999999T", "1.5G", "-1k", "k", "1 MB", "1ZB"]
    static let urls = ["", "http://127.0.0.1:1/hook", "http://user:pw@127.0.0.1:1/", "http://[::1", "127.0.0.1:1", "-"]
    static let durations = ["5s", "0", "-1s", "1ms", "99999999999d", "x", ""]
    static let pairs = ["team=web", "=x", "x", "", "a=b=c", "base=", "k=\n"]
    static let flags: [(String, [String])] = [
        ("--results", paths), ("--junit", filePaths), ("-o", filePaths), ("--output", filePaths), ("--cacert", filePaths),
        ("--jobs", numbers), ("--keep", numbers), ("--max-snapshot-bytes", sizes), ("--max-body-bytes", sizes), ("--max-bytes", sizes),
        ("--var", pairs), ("--tag", pairs), ("--only", ["a", "nope", "", "-"]), ("--shard", ["1/2", "0/0", "3/2", "x", "", "1/99999999999999999999"]),
        ("--sink-timeout", durations), ("--webhook", urls), ("--pushgateway", urls), ("--on-alarm", ["", "/bin/true", "/nonexistent", " "]),
        ("--location", ["eu", "", "a\nb"]), ("--log-format", ["json", "text", "xml", ""]),
        ("--verbose", []), ("-v", []), ("--quiet", []), ("-q", []), ("--no-wait", []), ("--run-events", []), ("--screenshots", []),
        ("--help", []), ("-h", []), ("--", []), ("-", []), ("--bogus", []), ("-x", []), ("--results=r", []), ("--jobs=", []),
    ]

    mutating func next() -> [String] {
        var arguments = [pick(Self.commands)]
        if roll(10) < 7 { arguments.append(pick(["a.json", "b.json", "$FOLDER", "."])) }
        for _ in 0..<roll(6) {
            switch roll(10) {
            case 0: arguments.append(pick(Self.paths))
            case 1: arguments.append(pick(Self.numbers))
            default:
                let (flag, values) = pick(Self.flags)
                arguments.append(flag)
                // Mostly a value of the right kind; sometimes none (the value is then missing or the next flag).
                if !values.isEmpty, roll(8) > 0 { arguments.append(pick(values)) }
            }
        }
        return arguments
    }

    private mutating func roll(_ bound: Int) -> Int {
        // SplitMix64: small, seedable, good enough to spread cases.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    private mutating func pick<T>(_ values: [T]) -> T { values[roll(values.count)] }
}
