/// Every command and the flags its parser accepts: dispatch reads the flags from here, and so do
/// the completion scripts and the man page, so what they offer is what the parser takes.
enum CommandTable {
    struct Command {
        let name: String
        /// One line for completion menus.
        let summary: String
        /// The flags `canary NAME` accepts (short forms are in `shortForms`).
        let flags: Set<String>
        /// What the words that are not flags name, for completion.
        let operands: Operand
    }

    enum Operand {
        case canaryFiles, canaryNames, commands, shells, nothing
    }

    /// What follows a flag on the command line. A flag not in `values` takes no value.
    enum Value: Equatable {
        case file, directory, program
        case choices([String])
        /// A number, a duration, NAME=VALUE, a URL...: nothing to complete.
        case text
    }

    static let commands: [Command] = [
        Command(name: "run", summary: "run canaries once", flags: RunCommand.flags, operands: .canaryFiles),
        Command(name: "schedule", summary: "run each canary on its schedule until stopped", flags: ScheduleCommand.flags, operands: .canaryFiles),
        Command(name: "validate", summary: "check canary files without sending anything", flags: inspectFiles, operands: .canaryFiles),
        Command(name: "list", summary: "name, steps and schedule of each canary", flags: inspectFiles, operands: .canaryFiles),
        Command(name: "rules", summary: "Prometheus alerting rules for the canaries", flags: ["--var", "--shard", "--only", "--tag", "--allow-unused-vars", "--for"], operands: .canaryFiles),
        Command(name: "forget", summary: "remove a canary's state, metrics and Pushgateway group", flags: ForgetCommand.flags, operands: .canaryNames),
        Command(name: "report", summary: "one self-contained HTML page of the results", flags: ["--results", "--output", "--trace-url"], operands: .nothing),
        Command(name: "show", summary: "print one recorded run", flags: ShowCommand.flags, operands: .canaryNames),
        Command(name: "diff", summary: "what changed between two runs", flags: DiffCommand.flags, operands: .canaryNames),
        Command(name: "baseline", summary: "make a run's screenshots the visual baseline", flags: ["--results", "--run"], operands: .canaryNames),
        Command(name: "new", summary: "write a commented canary file for one URL", flags: ["--output"], operands: .nothing),
        Command(name: "import", summary: "write a canary file from a curl command, a HAR or a CloudWatch multi checks configuration", flags: ["--output", "--filter"], operands: .nothing),
        Command(name: "schema", summary: "print the JSON Schema of the canary file, for editors", flags: [], operands: .nothing),
        Command(name: "completion", summary: "print a completion script for bash, zsh or fish", flags: [], operands: .shells),
        Command(name: "help", summary: "options of one command; --man: the man page", flags: ["--man"], operands: .commands),
    ]

    /// `validate` and `list` load files and send nothing.
    private static let inspectFiles: Set<String> = ["--var", "--shard", "--only", "--tag", "--allow-unused-vars", "--secrets-file"]

    static let shortForms = ["-v": "--verbose", "-q": "--quiet", "-o": "--output"]

    static let values: [String: Value] = [
        "--var": .text, "--vars-file": .file, "--secrets-file": .file, "--jobs": .text, "--results": .directory,
        "--lock-timeout": .text, "--only": .text, "--tag": .text, "--cacert": .file, "--proxy": .text, "--keep": .text,
        "--artifacts": .choices(["failed", "all", "none"]), "--retain": .text, "--max-bytes": .text,
        "--max-snapshot-bytes": .text, "--max-body-bytes": .text, "--junit": .file, "--pushgateway": .text,
        "--webhook": .text, "--alertmanager": .text, "--report-url": .text, "--on-alarm": .program,
        "--on-alarm-arg": .text, "--on-run": .program, "--on-run-arg": .text, "--sink-timeout": .text,
        "--sink-max-age": .text, "--forget-after": .text, "--account": .text,
        "--screenshots": .choices(["failed", "all", "none"]), "--screenshot-jobs": .text, "--browser-jobs": .text,
        "--screenshot-timeout": .text, "--browser": .program, "--shard": .text, "--location": .text,
        "--maintenance": .file, "--report-format": .choices(["github", "tap", "json"]), "--retry": .text,
        "--retry-interval": .text, "--timeout": .text, "--results-mode": .text, "--pass-env": .text,
        "--log-format": .choices(["text", "json"]), "--stop-timeout": .text, "--listen": .text,
        "--for": .text, "--output": .file, "--run": .text, "--attempt": .text, "--trace": .text, "--otlp": .text, "--trace-url": .text, "--emf": .file, "--emf-namespace": .text, "--filter": .text,
        "--format": .choices(["http", "har", "json", "curl"]), "--color": .choices(ColorChoice.allCases.map(\.rawValue)),
    ]

    static let shells = ["bash", "zsh", "fish"]

    static func command(_ name: String) -> Command? { commands.first { $0.name == name } }

    /// The flags of `name`, as its parser accepts them.
    static func flags(of name: String) -> Set<String> { command(name)?.flags ?? [] }

    static var names: [String] { commands.map(\.name) }
}
