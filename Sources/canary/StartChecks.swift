import CanaryKit
import Foundation

/// What can be known to be wrong before any canary runs, shared by `run` and `schedule`.
enum StartChecks {
    /// A --cacert that can't be read or holds no PEM certificate would fail every https canary
    /// as if the targets were down: refuse it up front instead, naming the file.
    static func caFile(_ path: String?, command: String) throws(UsageError) {
        guard let path else { return }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw UsageError("\(command): --cacert \(path): can't read the file (missing, a folder, or no permission); pass a PEM file of CA certificates")
        }
        guard String(decoding: bytes.prefix(1 << 20), as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw UsageError("\(command): --cacert \(path): holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' line); pass a PEM file of CA certificates")
        }
    }

    /// A selection that matches nothing is a mistake (a typo in a tag), not a green run.
    static func selection(_ selected: [Canary], of loaded: [Canary], options: RunOptions, command: String) throws(UsageError) {
        guard selected.isEmpty, !loaded.isEmpty else { return }
        var given: [String] = options.tags.map { "--tag \($0.key)=\($0.value)" }
        if let shard = options.shard { given.append("--shard \(shard)") }
        given += options.only.map { "--only \($0)" }
        let tags = Set(loaded.flatMap { $0.tags.map { "\($0.key)=\($0.value)" } }).sorted()
        throw UsageError("\(command): no canary matches \(given.joined(separator: " ")) (of \(loaded.count) loaded"
            + (tags.isEmpty ? "" : "; their tags: \(tags.prefix(20).joined(separator: ", "))") + ")")
    }

    /// `--var base=$BASE_URL` with BASE_URL unset gives an empty value: a mistake, not a URL.
    static func variableValues(_ variables: [String: String], command: String) throws(UsageError) {
        guard let name = variables.keys.sorted().first(where: { variables[$0] == "" }) else { return }
        throw UsageError("\(command): --var \(name) has an empty value (an unset shell variable, as in --var \(name)=$X?); "
            + "give it a value or leave the --var out")
    }

    /// `{{env.X}}` and `{{secret.X}}` in requests whose variable is not set: every one is listed.
    static func environment(of canaries: [Canary], command: String) throws(UsageError) {
        let messages = Canary.unsetEnvironmentMessages(canaries, environment: ProcessInfo.processInfo.environment)
        guard !messages.isEmpty else { return }
        throw UsageError(messages.map { "\(command): \($0)" }.joined(separator: "\n") + "\n\(command): nothing ran")
    }

    /// A `--var` that no selected canary uses is a typo until told otherwise: an error with the
    /// closest name. `--allow-unused-vars` makes them warnings on stderr (a CI job passing one
    /// shared set of variables to many canaries still runs; a typo still shows).
    static func unusedVariables(_ options: RunOptions, by canaries: [Canary], command: String) throws(UsageError) {
        guard !options.variables.isEmpty else { return }
        let used = canaries.reduce(into: Set<String>()) { $0.formUnion($1.variableNamesUsed) }
        let unused = options.commandLineVariables.sorted().filter { !used.contains($0) }.map { name in
            "--var \(name): no selected canary uses {{\(name)}}" + NameSuggestion.hint(for: name, among: used.sorted())
        }
        guard !unused.isEmpty else { return }
        if options.allowUnusedVars {
            for line in unused { Console.error("warning: \(line)") }
            return
        }
        throw UsageError(unused.map { "\(command): \($0)" }.joined(separator: "\n") + " (--allow-unused-vars to run anyway)")
    }
}
