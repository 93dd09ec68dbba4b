import CanaryKit

/// Picks the command from argv and runs it; returns the process exit code.
func dispatch(_ arguments: [String]) async throws -> Int32 {
    guard let command = arguments.first else {
        print(Help.overview)
        return 2
    }
    let rest = Array(arguments.dropFirst())
    // `canary run --help` and `-h` on every command: that command's help (before any `--`).
    if let text = Help.text(for: command), rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
        print(text)
        return 0
    }
    switch command {
    case "--version", "version":
        print(Help.version)
        return 0
    case "--help", "-h":
        print(Help.overview)
        return 0
    case "help":
        if rest.first == "--man" {
            print(ManPage.render(), terminator: "")
            return 0
        }
        guard let topic = rest.first else {
            print(Help.overview)
            return 0
        }
        guard let text = Help.text(for: topic) else {
            throw UsageError("help: no command '\(topic)'" + NameSuggestion.hint(for: topic, among: CommandTable.names) + "; commands: " + CommandTable.names.joined(separator: ", "))
        }
        print(text)
        return 0
    case "run":
        var reader = ArgumentReader(command: "run", arguments: rest)
        return try await RunCommand(options: try reader.parseRun(allowed: RunCommand.flags)).execute()
    case "schedule":
        var reader = ArgumentReader(command: "schedule", arguments: rest)
        return try await ScheduleCommand(options: try reader.parseRun(allowed: ScheduleCommand.flags, refused: ScheduleCommand.runOnly)).execute()
    case "report":
        var reader = ArgumentReader(command: "report", arguments: rest)
        return try ReportCommand(options: try reader.parseRun(allowed: CommandTable.flags(of: "report"), needsPaths: false)).execute()
    case "baseline":
        var reader = ArgumentReader(command: "baseline", arguments: rest)
        return try BaselineCommand(options: try reader.parseRun(allowed: CommandTable.flags(of: "baseline"))).execute()
    case "forget":
        var reader = ArgumentReader(command: "forget", arguments: rest)
        return try await ForgetCommand(options: try reader.parseRun(allowed: ForgetCommand.flags, needsPaths: false)).execute()
    case "rules":
        var reader = ArgumentReader(command: "rules", arguments: rest)
        return RulesCommand(options: try reader.parseRun(allowed: CommandTable.flags(of: "rules"))).execute()
    case "show":
        return try ShowCommand(options: try InspectOptions(command: "show", arguments: rest, allowed: ShowCommand.flags)).execute()
    case "diff":
        return try DiffCommand(options: try InspectOptions(command: "diff", arguments: rest, allowed: DiffCommand.flags)).execute()
    case "validate", "list":
        var reader = ArgumentReader(command: command, arguments: rest)
        let options = try reader.parseRun(allowed: CommandTable.flags(of: command))
        return command == "validate" ? ValidateCommand(options: options).execute() : ListCommand(options: options).execute()
    case "new":
        return try NewCommand(arguments: rest).execute()
    case "import":
        return try ImportCommand(arguments: rest).execute()
    case "schema":
        guard rest.isEmpty else {
            throw UsageError("schema: takes no arguments; write it to a file with `canary schema > canary.schema.json`")
        }
        print(FileSchema.text, terminator: "")
        return 0
    case "completion":
        guard rest.count == 1, let shell = rest.first, let script = Completion.script(for: shell) else {
            throw UsageError("completion: name one shell: " + CommandTable.shells.joined(separator: ", ") + ", e.g. `canary completion bash > /etc/bash_completion.d/canary`")
        }
        print(script, terminator: "")
        return 0
    default:
        throw UsageError("canary: unknown command '\(command)'" + NameSuggestion.hint(for: command, among: CommandTable.names) + "; commands: " + CommandTable.names.joined(separator: ", "))
    }
}
