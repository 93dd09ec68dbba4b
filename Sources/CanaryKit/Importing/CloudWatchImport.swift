/// `canary import cloudwatch`: the JSON configuration of CloudWatch Synthetics' "multi checks"
/// blueprint (`blueprint-config.json`: globalSettings, variables, steps "1"…"10" of HTTP, SSL,
/// DNS and TCP checks with assertions and extractors). What has no equivalent is named in the
/// file's "Not imported" comment, never dropped without a word.
public enum CloudWatchImport {
    public static func canary(bytes: [UInt8], file: String) throws(ImportError) -> ImportedCanary {
        guard bytes.count <= 1 << 20 else { throw ImportError(file, "more than 1 MB: not a multi checks configuration (at most 10 steps)") }
        let root: JSONValue
        do {
            root = try JSON5.parseJSON(bytes)
        } catch {
            throw ImportError("\(file):\(error.line):\(error.column)", "\(error.message); the multi checks configuration is JSON")
        }
        guard case .object(let members) = root, case .object(let steps)? = root["steps"] else {
            throw ImportError(file, "not a multi checks configuration: no \"steps\": {\"1\": {…}}")
        }
        var reader = CloudWatchReader(file: file)
        for member in members where !["globalSettings", "variables", "steps"].contains(member.key) {
            reader.canary.notImported.append("'\(member.key)' at the top level")
        }
        try reader.settings(root["globalSettings"])
        if case .object(let variables)? = root["variables"] {
            for variable in variables {
                guard Template.isValidName(variable.key), let value = try reader.text(variable.value, at: "variables.\(variable.key)") else {
                    throw ImportError("\(file): variables.\(variable.key)", "a variable is a name of letters, digits and '_' with a string value")
                }
                reader.canary.variables.append((variable.key, value))
            }
        }
        let numbered = steps.map { (number: Int($0.key) ?? Int.max, key: $0.key, value: $0.value) }.sorted { $0.number < $1.number }
        for step in numbered {
            guard step.number != Int.max else {
                reader.canary.notImported.append("steps.\(step.key): step keys are numbers \"1\"…\"10\"")
                continue
            }
            try reader.step(step.value, key: step.key)
        }
        guard !reader.canary.steps.isEmpty else {
            throw ImportError(file, "no HTTP or SSL step to import (canary checks HTTP(S) only): " + reader.canary.notImported.joined(separator: "; "))
        }
        return reader.canary
    }
}

/// Reads the configuration into an `ImportedCanary`, step by step.
struct CloudWatchReader {
    let file: String
    var canary = ImportedCanary(name: "imported", source: "CloudWatch")
    var taken = Set<String>()

    init(file: String) {
        self.file = file
        let base = file.split(separator: "/").last.map { String($0.split(separator: ".").first ?? $0) } ?? "imported"
        canary.name = ImportNames.slug(base, fallback: "imported")
    }

    mutating func settings(_ value: JSONValue?) throws(ImportError) {
        guard case .object(let members)? = value else { return }
        for member in members {
            switch (member.key, member.value) {
            case ("stepTimeout", .number(let milliseconds)): canary.defaultTimeout = "\(Int(milliseconds))ms"
            case ("userAgent", .string(let agent)):
                canary.defaultHeaders.append(ImportedHeader(name: "User-Agent", value: try convert(agent, at: "globalSettings.userAgent")))
            default: canary.notImported.append("globalSettings.\(member.key)")
            }
        }
    }

    /// A string with `${name}` as `{{name}}` and `${AWS_SECRET:id[:key]}` as a secret placeholder.
    mutating func convert(_ text: String, at place: String) throws(ImportError) -> String {
        try ImportText.check(text, at: "\(file): \(place)")
        var out = "", rest = Substring(text)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            out += rest[..<open.lowerBound]
            let inside = String(rest[open.upperBound..<close])
            if inside.hasPrefix("AWS_SECRET:") {
                let reference = inside.dropFirst("AWS_SECRET:".count)
                let parts = reference.split(separator: ":")
                let what = "the AWS Secrets Manager secret '\(parts.first ?? "")'" + (parts.count > 1 ? ", key '\(parts[1])'" : "")
                out += canary.secrets.placeholder(for: "aws:" + reference, suggested: parts.joined(separator: "_"), what: what)
            } else if Template.isValidName(inside) {
                out += "{{\(inside)}}"
            } else {
                throw ImportError("\(file): \(place)", "'${\(inside)}' is neither a variable nor ${AWS_SECRET:…}")
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// A string, number or boolean as text (converted); nil for anything else.
    mutating func text(_ value: JSONValue?, at place: String) throws(ImportError) -> String? {
        switch value {
        case .string(let text)?: return try convert(text, at: place)
        case .number(let number)?: return JSONWriter.text(of: number)
        case .bool(let flag)?: return String(flag)
        default: return nil
        }
    }

    mutating func step(_ value: JSONValue, key: String) throws(ImportError) {
        let place = "steps.\(key)"
        guard case .object(let members) = value, case .string(let type)? = value["checkerType"] else {
            throw ImportError("\(file): \(place)", "a step is an object with a \"checkerType\" (HTTP, SSL, DNS or TCP)")
        }
        let given: String
        if case .string(let name)? = value["stepName"] { given = name } else { given = "step-\(key)" }
        let name = ImportNames.unique(ImportNames.slug(given, fallback: "step-\(key)"), among: &taken)
        switch type {
        case "HTTP":
            try http(value, members: members, name: name, place: place)
        case "SSL":
            try ssl(value, members: members, name: name, place: place)
        default:
            canary.notImported.append("\(place) '\(given)' (\(type)): canary checks HTTP(S) only")
        }
    }

    mutating func unknown(_ members: [(key: String, value: JSONValue)], known: [String], place: String) {
        for member in members where !(known + ["stepName", "checkerType"]).contains(member.key) {
            canary.notImported.append("\(place).\(member.key)")
        }
    }
}
