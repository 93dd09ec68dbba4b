/// Why a capture found nothing to capture.
public enum CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source had no value: a missing header, a path that selected nothing, a non-JSON body.
    case missing(capture: String, reason: String)
    /// The regex did not match the source's text (`text` as shown: quoted, masked, then cut).
    case regexDidNotMatch(capture: String, regex: String, source: String, text: String)
    /// The regex does not compile (the loader normally catches this first).
    case invalidRegex(capture: String, regex: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(capture, reason):
            return "capture '\(capture)': \(reason)"
        case let .regexDidNotMatch(capture, regex, source, text):
            return "capture '\(capture)': regex /\(regex)/ did not match \(source) \(text)"
        case let .invalidRegex(capture, regex, reason):
            return "capture '\(capture)': regex /\(regex)/ is not valid: \(reason)"
        }
    }
}

/// Takes captured values out of a response, as text for later `{{name}}` placeholders.
public enum CaptureExtractor {
    /// The captured text (strings as-is, other JSON as its compact JSON text); with a regex, its
    /// first group (the whole match when it has no groups). Throws when nothing is found.
    public static func extract(_ capture: Capture, from facts: ResponseFacts) throws(CaptureError) -> String {
        let text = try sourceText(of: capture, in: facts)
        guard let pattern = capture.regex else { return text }
        let groups: [String?]?
        do {
            groups = try RegexSearch.firstMatch(pattern, in: text)
        } catch {
            throw .invalidRegex(capture: capture.name, regex: pattern, reason: error.reason)
        }
        guard let groups else {
            throw .regexDidNotMatch(capture: capture.name, regex: pattern, source: label(of: capture.source),
                                    text: ValueStyle.truncated(JSONValue.quoted(text), masking: facts.redactor))
        }
        // A first group that took no part in the match (`(a)?`) captures the empty string.
        return groups.count > 1 ? (groups[1] ?? "") : (groups[0] ?? "")
    }

    /// The captured value with its JSON type, where it has one: a JSON capture without a regex
    /// (a number stays a number), or the status. nil for text captures.
    public static func jsonValue(of capture: Capture, from facts: ResponseFacts) -> JSONValue? {
        guard capture.regex == nil else { return nil }
        switch capture.source {
        case .status: return .number(Double(facts.status))
        case .json(let path): return facts.bodyJSON.flatMap { JSONPathEvaluator.query(path, in: $0) }
        case .evaluate(let script): return facts.page?.evaluated[script] ?? nil
        case .body, .header, .cookie, .xpath, .banner, .selector: return nil
        }
    }

    private static func sourceText(of capture: Capture, in facts: ResponseFacts) throws(CaptureError) -> String {
        switch capture.source {
        case .status:
            return String(facts.status)
        case .body:
            return facts.bodyText
        case .header(let name):
            guard let value = facts.headerValue(name) else {
                throw .missing(capture: capture.name, reason: "header \(name) is missing")
            }
            return value
        case .cookie(let name):
            guard let value = facts.cookies?[name] else {
                throw .missing(capture: capture.name, reason: "cookie \(name) is not in the jar")
            }
            return value
        case .json(let path):
            guard let json = facts.bodyJSON else {
                throw .missing(capture: capture.name, reason: "json \(path.source) cannot be read: \(facts.notJSONReason)")
            }
            guard let value = JSONPathEvaluator.query(path, in: json) else {
                throw .missing(capture: capture.name, reason: "json \(path.source) selected no value")
            }
            if case .string(let text) = value { return text }
            return value.compactJSONText
        case .xpath(let expression):
            guard let outcome = facts.xpathOutcomes[expression], let value = outcome.value else {
                throw .missing(capture: capture.name, reason: "xpath \(expression): \(facts.xpathOutcomes[expression]?.missingReason ?? "not evaluated")")
            }
            if case .string(let text) = value { return text }
            return value.displayText
        case .banner:
            guard let banner = facts.banner else { throw .missing(capture: capture.name, reason: "nothing was read") }
            return banner
        case .selector(let selector, let attribute):
            let key = PageFacts.captureKey(selector, attribute)
            guard let value = facts.page?.captured[key] ?? nil else {
                let what = attribute.map { "attribute \($0) of \(selector)" } ?? "text of \(selector)"
                throw .missing(capture: capture.name, reason: "\(what): \(facts.page?.missingReasons[key] ?? "no page was loaded")")
            }
            return value
        case .evaluate(let script):
            guard let value = facts.page?.evaluated[script] ?? nil else {
                throw .missing(capture: capture.name, reason: "evaluate \(script): \(facts.page?.missingReasons["evaluate " + script] ?? "no value")")
            }
            if case .string(let text) = value { return text }
            return value.compactJSONText
        }
    }

    private static func label(of source: Capture.Source) -> String {
        switch source {
        case .status: return "status"
        case .body: return "body"
        case .header(let name): return "header \(name)"
        case .cookie(let name): return "cookie \(name)"
        case .json(let path): return "json \(path.source)"
        case .xpath(let expression): return "xpath \(expression)"
        case .banner: return "banner"
        case .selector(let selector, let attribute): return attribute.map { "attribute \($0) of \(selector)" } ?? "text of \(selector)"
        case .evaluate(let script): return "evaluate \(script)"
        }
    }
}
