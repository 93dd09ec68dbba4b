/// A string with `{{…}}` placeholders, parsed at load time so bad syntax is caught early.
public struct Template: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        /// `{{name}}`: a variable or an earlier capture.
        case variable(String)
        /// `{{env.NAME}}`: an environment variable.
        case env(String)
        /// `{{secret.NAME}}`: an environment variable never written or printed (shown as `***`).
        case secret(String)
    }
    /// The text as written in the canary file.
    public var source: String
    public var parts: [Part]
    public init(source: String, parts: [Part]) {
        self.source = source
        self.parts = parts
    }
    /// A template with no placeholders.
    public static func literal(_ text: String) -> Template { Template(source: text, parts: [.literal(text)]) }
}
