import Foundation

/// What `show` and `diff` learn from the canary file a run came from (`RunRecord.file`), when
/// it still loads: the secrets it reads, masked again in everything printed (with the values
/// the environment holds now), and each step's request templates for `--format curl`.
public struct ShowContext: Sendable {
    public var redactor: Redactor
    public var curlSources: [String: CurlStepSource]

    /// Nothing known: credential headers are still masked by name.
    public init() {
        redactor = Redactor(secrets: [])
        curlSources = [:]
    }

    /// From the file's bytes, when they still hold a canary; variables and captures count as
    /// defined, since only the templates are wanted here.
    public init(canaryFile source: [UInt8]?, path: String, environment: [String: String]) {
        self.init()
        guard let source else { return }
        let (canary, _) = CanaryLoader.load(source: source, file: path, definedVariables: Self.placeholderNames(in: source))
        guard let canary else { return }
        let values = canary.secretNames.compactMap { environment[$0] }.filter { !$0.isEmpty }
        redactor = Redactor(secrets: Set(values))
        curlSources = canary.curlSources
    }

    /// Every `{{name}}` in the file (not `env.` or `secret.`).
    static func placeholderNames(in source: [UInt8]) -> Set<String> {
        let text = String(decoding: source, as: UTF8.self)
        var names = Set<String>()
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            let name = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.hasPrefix("env."), !name.hasPrefix("secret."), !name.isEmpty { names.insert(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }
}
