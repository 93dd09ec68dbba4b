/// Turns the located tree of one canary file into a `Canary`, collecting every problem instead
/// of stopping at the first, each with its place, canary and step. One instance per file.
final class CanaryFileDecoder {
    let file: String
    /// Names given on the command line (`--var`), defined for every canary.
    let definedVariables: Set<String>
    /// Their values, where known, to check a URL that starts with one.
    let variableValues: [String: String]
    /// The canary's own `variables`, once decoded.
    var fileVariables: [String: String] = [:]
    /// Captures of the steps decoded so far: their values come from responses.
    var capturedSoFar: Set<String> = []
    /// Where `{{env.X}}` and `{{secret.X}}` are checked for warnings; nil checks nothing.
    let environment: [String: String]?
    /// Placeholders whose environment variable is unset: warnings, since it may be set where
    /// the canary runs. One per name.
    private(set) var warnings: [LoadProblem] = []
    /// Context for problems: set once the canary name is known, and while inside a step.
    var canaryName: String?
    var stepName: String?
    private(set) var problems: [LoadProblem] = []
    /// Where the canary's name is written (the file start when it comes from the file name).
    var nameLocation: SourceLocation

    /// Names a `{{name}}` may use at this point: variables, `--var` names, earlier captures.
    var knownNames: Set<String> = []
    /// Captures of the current and later steps, by name → step, to explain "captured too late".
    var laterCaptures: [String: String] = [:]
    /// `defaults.screenshot`, the base of every step's own `screenshot`.
    var defaultScreenshot = ScreenshotSettings()
    /// The matrix combination this decoding is for (`CanaryLoader` decodes a file with a
    /// `matrix` once per combination); nil for a file without one.
    var matrix: MatrixCombination?
    /// Set only by `CanaryLoader.formatCoverage`: notes the keys of every table read.
    var coverage: FormatCoverage?

    init(file: String, definedVariables: Set<String>, variableValues: [String: String] = [:], environment: [String: String]? = nil) {
        self.file = file
        self.definedVariables = definedVariables.union(variableValues.keys)
        self.variableValues = variableValues
        self.environment = environment
        nameLocation = SourceLocation(file: file, line: 1, column: 1)
    }

    func report(_ message: String, at location: SourceLocation) {
        problems.append(LoadProblem(location: location, canary: canaryName, step: stepName, message: message))
    }

    /// Something that loads but is likely not what the author meant (`validate` shows it).
    func warn(_ message: String, at location: SourceLocation) {
        warnings.append(LoadProblem(location: location, canary: canaryName, step: stepName, message: message))
    }

    /// `{{env.X}}` / `{{secret.X}}` with X unset here: a warning (the first use of each name).
    func checkEnvironment(of template: Template, at location: SourceLocation) {
        guard let environment else { return }
        for part in template.parts {
            let (name, kind): (String, String)
            switch part {
            case .env(let variable): (name, kind) = (variable, "environment variable")
            case .secret(let variable): (name, kind) = (variable, "secret")
            case .literal, .variable: continue
            }
            guard environment[name] == nil, !warnings.contains(where: { $0.message.hasPrefix("\(kind) '\(name)' ") }) else { continue }
            warnings.append(LoadProblem(
                location: location, canary: canaryName, step: stepName,
                message: "\(kind) '\(name)' is not set in this environment: runs fail unless \(name) is set where they run"))
        }
    }

    /// Place for problems about the whole file.
    var fileStart: SourceLocation { SourceLocation(file: file, line: 1, column: 1) }

    /// Canary and step names: free text of at most this many characters (files use their slugs).
    static let maximumNameLength = 200

    static func excerpt(_ text: some StringProtocol) -> String { LoadProblem.excerpt(text) }
}

/// The members of one JSON object, after checking for unknown and repeated keys.
struct Fields {
    let location: SourceLocation
    /// Accepted keys in source order, so assertions keep the order they were written in.
    let keys: [String]
    private let members: [String: LocatedJSON.Member]

    init(location: SourceLocation, keys: [String], members: [String: LocatedJSON.Member]) {
        self.location = location
        self.keys = keys
        self.members = members
    }

    subscript(key: String) -> LocatedJSON? { members[key]?.value }

    func has(_ key: String) -> Bool { members[key] != nil }

    func keyLocation(_ key: String) -> SourceLocation { members[key]?.keyLocation ?? location }
}

extension LocatedJSON {
    /// How the value reads in "found …": `number 5`, `string "abc"`, `an object`.
    var foundDescription: String {
        switch kind {
        case .null: return "null"
        case .bool(let flag): return "boolean \(flag)"
        case .number(let number): return "number \(JSONWriter.text(of: number))"
        case .string(let text): return "string \"\(text.count > 40 ? text.prefix(40) + "…" : text)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    var objectMembers: [Member]? {
        if case .object(let members) = kind { return members }
        return nil
    }
}
