/// What a canary reads from outside its file — `{{name}}` variables, `{{env.NAME}}` and
/// `{{secret.NAME}}` — so `canary run` can refuse a missing or mistyped input before anything
/// runs, instead of recording a failed run that feeds the alarm (issue 23 items 1, 2).
extension Canary {
    /// Environment variables the requests and variables read, with whether each is a secret.
    /// (Expectations read them too, but only after a request went out; those stay run-time errors.)
    public var environmentReads: [(name: String, secret: Bool)] {
        var reads: [(String, Bool)] = []
        for template in requestTemplates + variables.values.compactMap({ try? Template.parse($0) }) {
            for part in template.parts {
                switch part {
                case .env(let name): reads.append((name, false))
                case .secret(let name): reads.append((name, true))
                case .literal, .variable: break
                }
            }
        }
        return reads
    }

    /// Every `{{name}}` anywhere in the canary (requests, variables, expectations, captures),
    /// plus the names of its own variables: the names a `--var` can set.
    public var variableNamesUsed: Set<String> {
        var names = Set(variables.keys)
        Self.collectStrings(in: self) { text in
            guard text.contains("{{"), let template = try? Template.parse(text) else { return }
            names.formUnion(template.variableNames)
        }
        return names
    }

    /// The templates of every request and probe, default headers included.
    var requestTemplates: [Template] {
        var templates = defaults.headers.map(\.value)
        for step in steps {
            guard let request = step.request else {
                templates += step.kind.probeTemplates
                continue
            }
            templates += [request.url] + request.query.map(\.value) + request.headers.map(\.value)
            switch request.body {
            case .raw(let template): templates.append(template)
            case .form(let fields): templates += fields.map(\.value)
            case .json(let value): templates += Self.templates(in: value)
            case nil: break
            }
        }
        return templates
    }

    /// Every string inside `value`, however deeply nested (expectations hold their templates as
    /// operands of many shapes); only run when `--var` is given.
    private static func collectStrings(in value: Any, _ visit: (String) -> Void) {
        if let text = value as? String { return visit(text) }
        for child in Mirror(reflecting: value).children { collectStrings(in: child.value, visit) }
    }

    /// Messages for the environment variables the canaries read that are not set (and secrets
    /// set to nothing), one per name.
    public static func unsetEnvironmentMessages(_ canaries: [Canary], environment: [String: String]) -> [String] {
        var seen = Set<String>()
        var messages: [String] = []
        for canary in canaries {
            for (name, secret) in canary.environmentReads where !seen.contains(name) {
                let value = environment[name]
                guard value == nil || (secret && value == "") else { continue }
                seen.insert(name)
                let placeholder = secret ? "{{secret.\(name)}}" : "{{env.\(name)}}"
                messages.append("\(canary.file): canary '\(canary.name)' reads \(placeholder), but the environment variable "
                    + "\(name) is \(value == nil ? "not set" : "set to nothing"); set it for canary run")
            }
        }
        return messages
    }
}
