/// What an importer (curl, HAR, CloudWatch) makes before it is written as a commented canary file:
/// plain values, with the notes the writer turns into comments.
public struct ImportedCanary {
    public var name: String
    /// `curl`, `har` or `cloudwatch`: said in the file's first line.
    public var source: String
    public var variables: [(name: String, value: String)] = []
    public var defaultHeaders: [ImportedHeader] = []
    public var defaultTimeout: String?
    public var steps: [ImportedStep] = []
    /// What the input had that the file does not: each a comment line at the top.
    public var notImported: [String] = []
    public var secrets = SecretTable()
    /// Headers left out, by the reason why (in the order first met).
    public var droppedHeaders: [(reason: String, names: [String])] = []

    public init(name: String, source: String) {
        (self.name, self.source) = (name, source)
    }
}

public struct ImportedHeader {
    public var name: String
    public var value: String
    /// A trailing comment on its line.
    public var note: String?

    public init(name: String, value: String, note: String? = nil) {
        (self.name, self.value, self.note) = (name, value, note)
    }
}

public struct ImportedStep {
    public enum Body {
        case json(JSONValue)
        case raw(String)
    }

    public var name: String
    public var method = "GET"
    public var url: String
    public var urlNote: String?
    public var headers: [ImportedHeader] = []
    public var body: Body?
    public var bodyNote: String?
    public var timeout: String?
    public var insecure = false
    public var followRedirects: Bool?
    public var maxRedirects: Int?
    /// `expect` members as JSON5 text (`status`, `{gte: 200, lt: 400}`), each with a comment.
    public var expect: [(key: String, value: String, note: String?)] = []
    /// `capture` members as JSON5 text.
    public var captures: [(name: String, value: String)] = []
    /// Comment lines written above the step.
    public var notes: [String] = []

    public init(name: String, url: String) {
        (self.name, self.url) = (name, url)
    }
}

/// A problem with the input, with its place (`word 3`, `line 2, column 7`, `log.entries[4].request`)
/// and the fix.
public struct ImportError: Error, CustomStringConvertible {
    public var place: String
    public var message: String

    /// Values quoted from hostile input are cut and their control characters made visible: the
    /// message stays one readable line.
    public init(_ place: String, _ message: String) {
        (self.place, self.message) = (Self.printable(place, limit: 300), Self.printable(message, limit: 1_000))
    }

    static func printable(_ text: String, limit: Int) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if out.count >= limit { return String(out) + "…" }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out.append(contentsOf: String(format: "\\u{%X}", scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    public var description: String { place.isEmpty ? message : "\(place): \(message)" }
}

/// Names for step and canary names: what the loader accepts today (letters, digits, `_ . -`).
enum ImportNames {
    static func slug(_ text: String, fallback: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
            if slug.count >= 60 { break }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? fallback : slug
    }

    /// `get-users`, or `get-users-2` when taken.
    static func unique(_ name: String, among taken: inout Set<String>) -> String {
        var candidate = name, number = 2
        while taken.contains(candidate) {
            candidate = "\(name)-\(number)"
            number += 1
        }
        taken.insert(candidate)
        return candidate
    }

    /// A step name from its method and the URL's last path segment: `get-users`.
    static func stepName(method: String, url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let afterHost = path.components(separatedBy: "://").last ?? path
        let segments = afterHost.split(separator: "/").dropFirst()
        let last = segments.last.map(String.init) ?? ""
        return slug(method + " " + (last.isEmpty ? "root" : last), fallback: "step")
    }

    /// The host of a URL, as a canary name.
    static func canaryName(fromURL url: String) -> String {
        let afterScheme = url.components(separatedBy: "://").dropFirst().first ?? url
        let host = afterScheme.split(whereSeparator: { "/?#".contains($0) }).first.map(String.init) ?? ""
        let withoutUser = host.split(separator: "@").last.map(String.init) ?? host
        return slug(withoutUser.split(separator: ":").first.map(String.init) ?? withoutUser, fallback: "imported")
    }
}
