import CanaryKit

/// Options of `canary show` and `canary diff`, which read a results folder and run nothing.
struct InspectOptions {
    var names: [String] = []
    var results = "results"
    var choice: RunSelection.Choice?
    var attempt: Int?
    var format = ShowFormat.http

    /// `allowed`: the flags of the command; `--run` takes a value, the `--last*` flags none.
    init(command: String, arguments: [String], allowed: Set<String>) throws(UsageError) {
        var remaining = arguments[...]
        var onlyNames = false
        func value(_ flag: String, _ inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            guard let next = remaining.popFirst() else { throw UsageError("\(command): \(flag) needs a value") }
            return next
        }
        while let argument = remaining.popFirst() {
            if argument == "--", !onlyNames {
                onlyNames = true
                continue
            }
            guard argument.hasPrefix("-"), argument != "-", !onlyNames else {
                names.append(argument)
                continue
            }
            let equals = argument.firstIndex(of: "=")
            let flag = equals.map { String(argument[..<$0]) } ?? argument
            let inline = equals.map { String(argument[argument.index(after: $0)...]) }
            guard allowed.contains(flag) else {
                let hint = NameSuggestion.hint(for: flag, among: allowed.sorted())
                throw UsageError("\(command): unknown option '\(flag)'" + (hint.isEmpty ? "; see `canary \(command) --help`" : hint))
            }
            let picked: RunSelection.Choice?
            switch flag {
            case "--results":
                results = try value(flag, inline)
                picked = nil
            case "--run": picked = .id(try value(flag, inline))
            case "--last": picked = .last
            case "--last-failed": picked = .lastFailed
            case "--last-passed": picked = .lastPassed
            case "--attempt":
                let text = try value(flag, inline)
                guard let number = Int(text), number >= 1 else { throw UsageError("\(command): --attempt takes a number of at least 1, got '\(text)'") }
                attempt = number
                picked = nil
            case "--format":
                let text = try value(flag, inline)
                guard let chosen = ShowFormat(rawValue: text) else {
                    throw UsageError("\(command): --format is one of \(ShowFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
                }
                format = chosen
                picked = nil
            default:
                throw UsageError("\(command): option '\(flag)' is not supported here")
            }
            if let picked {
                if choice != nil { throw UsageError("\(command): give one of --run, --last, --last-failed, --last-passed") }
                choice = picked
            }
        }
    }
}
