/// What a browser step's page showed once its actions were done: the values its `expect`,
/// `warn` and `capture` read, gathered in one pass over the page.
public struct PageFacts: Sendable {
    public var title: String?
    public var url: String?
    /// By selector: the first matching element's visible text (nil: no element matched).
    public var texts: [String: String?] = [:]
    /// By selector: whether a matching element is visible.
    public var visible: [String: Bool] = [:]
    /// By expression: its JSON value (nil: it threw, or gave undefined).
    public var evaluated: [String: JSONValue?] = [:]
    /// By `captureKey`: the captured text or attribute.
    public var captured: [String: String?] = [:]
    /// Why a value is missing, by `captureKey` or `evaluate <script>`.
    public var missingReasons: [String: String] = [:]
    public var consoleErrors = 0
    public var failedRequests = 0
    /// Milliseconds (cls: a score); absent when the page gave none.
    public var vitals: [Query.PageFact: Double] = [:]

    public init() {}

    static func captureKey(_ selector: String, _ attribute: String?) -> String {
        attribute.map { "\(selector)\u{0}\($0)" } ?? selector
    }

    func value(of query: Query) -> (value: JSONValue?, missingReason: String) {
        switch query {
        case .page(.title): return (title.map(JSONValue.string), "the page has no title")
        case .page(.url): return (url.map(JSONValue.string), "the page has no URL")
        case .page(.consoleErrors): return (.number(Double(consoleErrors)), "")
        case .page(.networkFailed): return (.number(Double(failedRequests)), "")
        case .page(let fact):
            return (vitals[fact].map(JSONValue.number), "the page did not report \(fact.rawValue) (no paint, interaction or navigation timing)")
        case .text(let selector):
            guard let text = texts[selector] ?? nil else { return (nil, "no element matches \(selector)") }
            return (.string(text), "")
        case .visible(let selector): return (.bool(visible[selector] ?? false), "")
        case .evaluate(let script):
            return (evaluated[script] ?? nil, missingReasons["evaluate " + script] ?? "the expression gave undefined")
        default: return (nil, "not a browser check")
        }
    }
}
