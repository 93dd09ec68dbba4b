extension Canary {
    /// Every NAME this canary reads as `{{secret.NAME}}`: another canary's `{{env.NAME}}` of the
    /// same variable is masked too (issue 25 item 6).
    public var secretNames: Set<String> {
        var names = Set<String>()
        for template in requestTemplates {
            for case .secret(let name) in template.parts { names.insert(name) }
        }
        return names
    }

    static func templates(in value: JSONValue) -> [Template] {
        switch value {
        case .string(let text): return text.contains("{{") ? [(try? Template.parse(text))].compactMap { $0 } : []
        case .array(let elements): return elements.flatMap(templates(in:))
        case .object(let pairs): return pairs.flatMap { templates(in: $0.value) }
        case .null, .bool, .number: return []
        }
    }
}

extension Canary {
    /// One warning per `{{secret.NAME}}` set to fewer than `Redactor.shortSecretLength`
    /// characters: masking it masks those characters in ordinary text too. Names only, never values.
    public static func shortSecretWarnings(_ canaries: [Canary], environment: [String: String]) -> [String] {
        let names = Set(canaries.flatMap(\.secretNames)).sorted()
        return names.compactMap { name in
            guard let value = environment[name], !value.isEmpty, value.count < Redactor.shortSecretLength else { return nil }
            let length = value.count == 1 ? "1 character" : "\(value.count) characters"
            return "secret \(name) is \(length) long: it is masked as *** wherever those characters appear, "
                + "in host names and numbers too; use a secret of at least \(Redactor.shortSecretLength) characters"
        }
    }
}
