/// The declared form of one object of the canary file: its keys, each with the kind of value it
/// takes, whether it is required, a one-line description and an example. The decoder reads its
/// allowed keys (and so its did-you-mean and `FormatCoverage`) from here, and `canary schema`
/// writes the JSON Schema from the same shapes, so the two cannot drift apart.
struct Shape: Sendable {
    /// Names the shape in the schema's `$defs` and in `ValueKind.shape`.
    let name: String
    /// What the object is, for the schema's `description`.
    let doc: String
    let fields: [Field]
    /// Which keys go together or exclude each other (the decoder checks these itself).
    var rules: [Rule] = []
    /// An empty object is refused (a predicate object needs one predicate).
    var nonEmpty = false

    /// The allowed keys, in the order they are declared.
    var keys: [String] { fields.map(\.key) }

    func field(_ key: String) -> Field? { fields.first { $0.key == key } }

    /// Constraints across keys.
    enum Rule: Sendable, Equatable {
        /// Exactly one group is given whole, and no key of another group: `{cron, duration}` or `{from, to}`.
        case exactlyOne([[String]])
        /// At most one of these keys.
        case atMostOne([String])

        /// Every key the rule names.
        var keys: [String] {
            switch self {
            case .exactlyOne(let groups): return Array(groups.joined())
            case .atMostOne(let keys): return keys
            }
        }
    }
}

/// One key of a shape.
struct Field: Sendable {
    let key: String
    let kind: ValueKind
    var required = false
    /// One line for editors' hover help.
    let doc: String
    /// An example value, as JSON5 text (parsed when the schema is written; a test parses them all).
    let example: String

    init(_ key: String, _ kind: ValueKind, required: Bool = false, _ doc: String, example: String) {
        self.key = key
        self.kind = kind
        self.required = required
        self.doc = doc
        self.example = example
    }
}

/// What a key's value is, as the decoder reads it.
indirect enum ValueKind: Sendable {
    /// Any string.
    case string
    /// A string matching a regular expression (ECMA-262 and Python `re` alike), with a description.
    case pattern(String)
    /// A string that may hold `{{placeholders}}`.
    case template
    /// A string, number or boolean, used as text (variables, tags, query and form values).
    case text
    /// A duration such as "5s": a number and a unit (ms, s, m, h, d).
    case duration
    case integer(ClosedRange<Int>)
    case number
    case boolean
    /// Only this one value (`body: true` in a capture).
    case constant(Bool)
    /// One of these strings.
    case choice([String])
    /// An object of the named shape.
    case shape(String)
    /// An object with free-form keys, each value of this kind.
    case map(ValueKind)
    /// A list; `minItems` where an empty list is refused.
    case array(ValueKind, minItems: Int = 0)
    /// Any of these forms.
    case anyOf([ValueKind])
    /// An assertion on a query yielding this kind: a bare value (meaning eq) or a predicate object.
    case predicate(CanaryFileDecoder.OperandKind)
    /// A JSON Schema (an object or a boolean).
    case schema
    /// A JSON Schema written where an object of the named shape may stand instead: an object
    /// with only that shape's keys (one of them required by its rule) reads as that shape.
    case schemaOr(String)
    /// Any JSON value.
    case any
}

extension Shapes {
    /// Every shape of the canary file, the top level first (`--maintenance` files' `fleetWindow` aside).
    static let all: [Shape] = [
        canary, step, request, defaults, clientCertificate, alarm, alarmLocations, maintenanceWindow,
        expect, timings, certificate, certificateChain, jsonSchemaFile, visual, region, screenshot, capture,
        tcp, tls, dns, tcpExpect, tlsExpect, dnsExpect, tcpCapture,
        browser, viewport, browserAction, selectorTarget, fillAction, pressAction, checkAction, waitForAction, scrollAction, evaluateAction,
        browserExpect, browserTimings, consoleChecks, networkChecks, vitals, browserCapture,
    ] + CanaryFileDecoder.OperandKind.allCases.map(predicate)

    static func named(_ name: String) -> Shape? { all.first { $0.name == name } }
}

extension ValueKind {
    /// The shapes this kind names, nested kinds included (predicates name theirs).
    var shapeNames: [String] {
        switch self {
        case .shape(let name), .schemaOr(let name): return [name]
        case .map(let kind), .array(let kind, _): return kind.shapeNames
        case .anyOf(let kinds): return kinds.flatMap(\.shapeNames)
        case .predicate(let operand): return ["predicate-\(operand.name)"]
        default: return []
        }
    }
}
