import Foundation
import Testing
@testable import canary

/// The completion scripts and the man page are made from `CommandTable`, which dispatch reads the
/// flags from; these tests fail when the table, the parser and the help texts drift apart.
@Suite("canary completion and help --man")
struct CompletionTests {
    /// Commands whose flags go through a parser (`completion` and `help` act on their own).
    static let parsed = CommandTable.commands.filter { !["completion", "help"].contains($0.name) }
    /// `--screenshots` alone means `all` (its older form); every other value flag needs one.
    static let optionalValue: Set<String> = ["--screenshots"]

    @Test("every flag takes a value exactly when the table says so", arguments: parsed.map(\.name))
    func valueKinds(command: String) async throws {
        for flag in CommandTable.flags(of: command).sorted() {
            var message = ""
            do { _ = try await dispatch([command, flag]) } catch let error as UsageError { message = error.description }
            #expect(!message.contains("unknown option"), "\(command) \(flag): \(message)")
            let needsValue = message.contains("\(flag) needs a value")
            let tableSays = CommandTable.values[flag] != nil && !Self.optionalValue.contains(flag)
            #expect(needsValue == tableSays, "\(command) \(flag): the table says \(tableSays ? "a value" : "no value"); the parser said '\(message)'")
        }
    }

    @Test("the help text describes every flag of the command (or run's, which it points to)", arguments: CommandTable.commands.map(\.name))
    func helpDescribesFlags(command: String) {
        for flag in Completion.flags(of: CommandTable.command(command)!) {
            #expect(!Completion.description(of: flag, in: command).isEmpty, "canary help \(command) has no line for \(flag)")
        }
    }

    @Test("each script parses in its shell", arguments: CommandTable.shells)
    func parses(shell: String) async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["completion", shell])
        #expect(output.status == 0, "\(output.stderr)")
        try output.stdout.write(toFile: folder + "/script", atomically: true, encoding: .utf8)
        let check = try await Shell.run([shell, "-n", folder + "/script"])
        #expect(check.status == 0, "\(shell) -n: \(check.stderr)")
        for command in CommandTable.commands {
            for flag in command.flags { #expect(output.stdout.contains(shell == "fish" ? "-l \(flag.dropFirst(2))" : flag), "\(shell): \(flag)") }
        }
    }

    @Test("bash completes commands, flags and their values")
    func bashCompletes() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await CLI.run(["completion", "bash"]).stdout.write(toFile: folder + "/canary.bash", atomically: true, encoding: .utf8)
        func complete(_ words: [String]) async throws -> [String] {
            let script = "source \(folder)/canary.bash; COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " "))); COMP_CWORD=\(words.count - 1); _canary; printf '%s\\n' \"${COMPREPLY[@]}\""
            return try await Shell.run(["bash", "-c", script]).stdout.split(separator: "\n").map(String.init)
        }
        #expect(try await complete(["canary", "sh"]) == ["show"])
        #expect(try await complete(["canary", "run", "--res"]) == ["--results", "--results-mode"])
        #expect(try await complete(["canary", "run", "--artifacts", "f"]) == ["failed"])
        #expect(try await complete(["canary", "show", "--format", ""]) == ["http", "har", "json", "curl"])
        #expect(try await complete(["canary", "schedule", "--jun"]) == [], "--junit is run-only")
        #expect(try await complete(["canary", "completion", "z"]) == ["zsh"])
    }

    @Test("fish completes flags with their descriptions")
    func fishCompletes() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await CLI.run(["completion", "fish"]).stdout.write(toFile: folder + "/canary.fish", atomically: true, encoding: .utf8)
        let output = try await Shell.run(["fish", "--no-config", "-c", "source \(folder)/canary.fish; complete -C 'canary run --jo'"])
        #expect(output.stdout == "--jobs\tcanaries run at once (default 32)\n", "\(output.stdout) \(output.stderr)")
    }

    @Test("help --man renders in man without warnings and covers every command and flag")
    func manPage() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = try await CLI.run(["help", "--man"])
        #expect(page.status == 0)
        try page.stdout.write(toFile: folder + "/canary.1", atomically: true, encoding: .utf8)
        let groff = try await Shell.run(["groff", "-man", "-ww", "-z", "-Tutf8", folder + "/canary.1"])
        #expect(groff.status == 0 && groff.stderr.isEmpty, "\(groff.stderr)")
        let man = try await Shell.run(["man", "--warnings", "-l", folder + "/canary.1"], environment: ["MANWIDTH": "80", "MAN_KEEP_FORMATTING": ""])
        #expect(man.status == 0 && man.stderr.isEmpty, "\(man.stderr)")
        for command in CommandTable.commands {
            #expect(man.stdout.contains("canary \(command.name)"))
            for flag in command.flags { #expect(man.stdout.contains(flag), "man page: \(flag)") }
        }
    }
}

/// Runs a program found on PATH and captures what it prints.
enum Shell {
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLI.Output {
        try await CLI.run(Array(arguments.dropFirst()), environment: environment, executable: try path(of: arguments[0]))
    }

    static func path(of program: String) throws -> String {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let found = paths.map({ "\($0)/\(program)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: program + " (scripts/test-servers.sh installs it)"])
        }
        return found
    }
}
