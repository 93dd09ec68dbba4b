import Foundation
import Testing
@testable import canary

/// Issue 14 item 7: colour on a terminal (NO_COLOR and --color honoured), and a failed run's line
/// says where to look: the `canary show` command of that run.
@Suite("canary run: colour and where to look")
struct ConsoleColorTests {
    static let redCross = "\u{1B}[31m✗\u{1B}[0m down"
    static let redCount = "\u{1B}[1;31m1 failed\u{1B}[0m"

    private func failing() throws -> String {
        let folder = try makeTemporaryDirectory()
        try #"{name: "down", steps: [{name: "health", request: {url: "{{httpbin}}/status/503"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        return folder
    }

    /// `canary run …` under a pseudo-terminal (util-linux `script`), as a person at a terminal sees it.
    private func onTerminal(_ arguments: [String], environment: [String: String] = [:], folder: String) async throws -> String {
        let command = ([CLI.binary] + arguments).map(ShellWord.singleQuoted).joined(separator: " ")
        // The test process may run with NO_COLOR set (an empty one counts as unset).
        let output = try await CLI.run(["-q", "-e", "-c", command, "/dev/null"], environment: environment.merging(["TERM": "xterm", "NO_COLOR": ""]) { mine, _ in mine },
                                       currentDirectory: folder, executable: "/usr/bin/script")
        return output.stdout
    }

    @Test("--color always colours the marks and the failed count; never and a pipe don't")
    func flag() async throws {
        let folder = try failing()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = ["run", folder, "--results", folder + "/r", "--screenshots", "none"] + TestServers.varArguments
        let always = try await CLI.run(base + ["--color", "always"])
        #expect(always.status == 1)
        #expect(always.stdout.contains(Self.redCross) && always.stdout.contains(Self.redCount), "\(always.stdout)")
        for extra in [["--color", "never"], []] {
            let plain = try await CLI.run(base + extra)
            #expect(plain.status == 1 && plain.stdout.contains("✗ down") && !plain.stdout.contains("\u{1B}["), "\(extra): \(plain.stdout)")
        }
        let wrong = try await CLI.run(base + ["--color", "sometimes"])
        #expect(wrong.status == 2 && wrong.stderr.contains("--color takes auto, always or never, got 'sometimes'"), "\(wrong.stderr)")
    }

    @Test("on a terminal: colour by default, none with NO_COLOR, --color always wins over NO_COLOR")
    func terminal() async throws {
        let folder = try failing()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = ["run", folder, "--results", folder + "/r", "--screenshots", "none"] + TestServers.varArguments
        let colored = try await onTerminal(base, folder: folder)
        #expect(colored.contains(Self.redCross), "\(colored)")
        let noColor = try await onTerminal(base, environment: ["NO_COLOR": "1"], folder: folder)
        #expect(noColor.contains("✗ down") && !noColor.contains(Self.redCross), "\(noColor)")
        #expect(try await onTerminal(base + ["--color", "always"], environment: ["NO_COLOR": "1"], folder: folder).contains(Self.redCross))
        #expect(!(try await onTerminal(base, environment: ["TERM": "dumb"], folder: folder)).contains(Self.redCross))
    }

    @Test("a failed run's line is followed by the canary show command of that run, which shows it")
    func showHint() async throws {
        let folder = try failing()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try await CLI.run(["run", folder, "--results", folder + "/my results", "--screenshots", "none"] + TestServers.varArguments)
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let cross = try #require(lines.firstIndex { $0.hasPrefix("✗ down") }, "\(run.stdout)")
        let hint = lines[cross + 1]
        #expect(hint.hasPrefix("    see: canary show down --run ") && hint.hasSuffix(" --results '\(folder)/my results'"), "\(hint)")
        // Run the command as printed (through a shell, as a person pastes it).
        let command = hint.replacingOccurrences(of: "    see: canary", with: ShellWord.singleQuoted(CLI.binary))
        let shown = try await CLI.run(["-c", command], executable: "/bin/sh")
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("HTTP/1.1 503"), "\(shown.stdout)")
        // With --artifacts none the record alone is kept, and show prints it (the step, its URL, the failure).
        let bare = try await CLI.run(["run", folder, "--results", folder + "/bare", "--artifacts", "none", "--screenshots", "none"] + TestServers.varArguments)
        let bareLines = bare.stdout.split(separator: "\n").map(String.init)
        let bareHint = try #require(bareLines.firstIndex { $0.hasPrefix("✗ down") }.map { bareLines[$0 + 1] }, "\(bare.stdout)")
        #expect(bareHint.hasPrefix("    see: canary show down --run "), "\(bare.stdout)")
        let bareShown = try await CLI.run(["-c", bareHint.replacingOccurrences(of: "    see: canary", with: ShellWord.singleQuoted(CLI.binary))], executable: "/bin/sh")
        #expect(bareShown.status == 0 && bareShown.stdout.contains("503"), "\(bareShown.stdout)\(bareShown.stderr)")
        let gone = try await CLI.run(["run", folder, "--no-results", "--screenshots", "none"] + TestServers.varArguments)
        #expect(gone.status == 1 && !gone.stdout.contains("see: canary show"), "--no-results keeps nothing to show: \(gone.stdout)")
    }
}
