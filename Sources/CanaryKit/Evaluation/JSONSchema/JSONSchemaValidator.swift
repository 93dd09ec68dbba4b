import Foundation

/// One way a value breaks a schema: where in the value, which keyword, and what.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer into the value (`/items/3/price`); empty for the whole body.
    public var instancePath: String
    /// The keyword's place in the schema (`/properties/items/items/properties/price/minimum`).
    public var schemaPath: String
    /// `-1 is less than the minimum 0`.
    public var message: String
    public var description: String { "\(instancePath.isEmpty ? "body" : instancePath): \(message) (schema \(schemaPath))" }
}

/// The outcome of validating one value: the first violations (at most `maximumListed`), how
/// many there were, and why validation stopped early, if it did.
public struct SchemaValidation: Sendable, Equatable {
    public var violations: [SchemaViolation] = []
    public var total = 0
    /// Set when the schema looped or the work limit ran out: the value is not known to be valid.
    public var stopped: String?
    public var isValid: Bool { total == 0 && stopped == nil }
}

/// Validates values against a compiled `JSONSchema`: a pure function of the two, bounded in
/// depth and in work so that a hostile body or schema ends in a failure, never a hang or a crash.
public enum JSONSchemaValidator {
    public static let maximumListed = 10
    /// Subschema evaluations per validation: one or a few per value of a large body (500,000
    /// objects checked for one property each take about a million), more than real ones need.
    static let workLimit = 5_000_000
    /// And at most this long, whatever the work: a schema that branches exponentially ends here.
    static let timeLimit: Double = 10
    /// Nested evaluations: a body is at most `JSON5.maximumDepth` deep, each level a few frames.
    static let depthLimit = 2_000

    public static func validate(_ value: JSONValue, against schema: JSONSchema) -> SchemaValidation {
        validate(value, against: schema, style: ValueStyle())
    }

    /// Values quoted in messages are masked by `style`'s redactor.
    static func validate(_ value: JSONValue, against schema: JSONSchema, style: ValueStyle) -> SchemaValidation {
        // The deepest body the parser reads (256 levels) with a recursive schema nests a few
        // thousand calls: more than a task's thread has stack for, so validation gets a thread
        // with a stack sized for `depthLimit`.
        let outcome = ValidationOutcome()
        let thread = Thread {
            var run = ValidationRun(schema: schema, style: style)
            _ = run.evaluate(schema.root, value)
            outcome.finish(run.result)
        }
        thread.stackSize = stackSize
        thread.start()
        return outcome.wait()
    }

    static let stackSize = 64 << 20
}

/// Hands the result from the validating thread to the caller, which waits for it.
private final class ValidationOutcome: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once by the validating thread before `done` is signalled; read after.
    private var result = SchemaValidation()

    func finish(_ result: SchemaValidation) {
        self.result = result
        done.signal()
    }

    func wait() -> SchemaValidation {
        done.wait()
        return result
    }
}

/// What the keywords that passed have looked at, for `unevaluatedProperties`/`unevaluatedItems`.
struct Evaluated {
    var properties: Set<String> = []
    var allProperties = false
    /// Items before this index were evaluated (`prefixItems`, `items`).
    var itemsBefore = 0
    var allItems = false
    /// Items `contains` matched.
    var items: Set<Int> = []

    mutating func merge(_ other: Evaluated) {
        properties.formUnion(other.properties)
        allProperties = allProperties || other.allProperties
        itemsBefore = max(itemsBefore, other.itemsBefore)
        allItems = allItems || other.allItems
        items.formUnion(other.items)
    }
}

/// The state of one validation.
struct ValidationRun {
    let schema: JSONSchema
    let style: ValueStyle
    var result = SchemaValidation()
    /// Off inside `anyOf`, `oneOf`, `not`, `if` and `contains`: their branches may fail.
    var collecting = true
    var path: [String] = []
    /// Schema resources entered, outermost first: the dynamic scope of `$dynamicRef`.
    var scope: [Int] = []
    /// Nodes applied to the current value so far: seeing one twice is an endless loop.
    var inPlace: [Int] = []
    var work = 0
    var depth = 0
    let started = DispatchTime.now().uptimeNanoseconds
    var regexes: [String: NSRegularExpression] = [:]

    init(schema: JSONSchema, style: ValueStyle) {
        self.schema = schema
        self.style = style
    }

    /// The annotations of `node` on `value`, or nil when the value does not match it.
    mutating func evaluate(_ index: Int, _ value: JSONValue) -> Evaluated? {
        guard result.stopped == nil else { return nil }
        let node = schema.nodes[index]
        if let constant = node.constant {
            if !constant { fail(node, nil, "\(text(value)) is not allowed here (the schema is false)") }
            return constant ? Evaluated() : nil
        }
        work += 1
        if work > JSONSchemaValidator.workLimit {
            return stop("validation stopped after \(JSONSchemaValidator.workLimit) schema evaluations; the body or the schema is too large to check")
        }
        if work % 4096 == 0, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 > JSONSchemaValidator.timeLimit {
            return stop("validation stopped after \(Int(JSONSchemaValidator.timeLimit)) s; the body or the schema is too large to check")
        }
        if inPlace.contains(index) {
            return stop("the schema at \(node.location.isEmpty ? "/" : node.location) loops back to itself without looking inside the value")
        }
        guard depth < JSONSchemaValidator.depthLimit else {
            return stop("the schema nests more than \(JSONSchemaValidator.depthLimit) levels deep for this value")
        }
        inPlace.append(index)
        depth += 1
        let entered = scope.last != node.resource
        if entered { scope.append(node.resource) }
        defer {
            inPlace.removeLast()
            depth -= 1
            if entered { scope.removeLast() }
        }
        var evaluated = Evaluated()
        var valid = true
        for keyword in node.keywords where !apply(keyword, of: node, to: value, evaluated: &evaluated) {
            valid = false
            if !collecting || result.stopped != nil { return nil }
        }
        return valid ? evaluated : nil
    }

    /// `node` applied to a part of the value (an item or a property value).
    mutating func descend(_ token: String, _ index: Int, _ value: JSONValue) -> Evaluated? {
        let outer = inPlace
        inPlace = []
        path.append(token)
        defer {
            path.removeLast()
            inPlace = outer
        }
        return evaluate(index, value)
    }

    /// Whether `node` matches, recording no violations (inside `anyOf` and the like).
    mutating func quietly(_ index: Int, _ value: JSONValue, at token: String? = nil) -> Evaluated? {
        let outer = collecting
        collecting = false
        defer { collecting = outer }
        return token.map { descend($0, index, value) } ?? evaluate(index, value)
    }

    private mutating func stop(_ reason: String) -> Evaluated? {
        if result.stopped == nil { result.stopped = reason }
        return nil
    }

    /// Records a violation of `keyword` of `node` at the current place in the value.
    mutating func fail(_ node: SchemaNode, _ keyword: String?, _ message: String) {
        guard collecting else { return }
        result.total += 1
        guard result.violations.count < JSONSchemaValidator.maximumListed else { return }
        let instance = path.map { "/" + name($0).replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
        let place = keyword.map { node.location + "/" + $0 } ?? (node.location.isEmpty ? "/" : node.location)
        result.violations.append(SchemaViolation(instancePath: instance, schemaPath: place, message: message))
    }

    /// A property name from the body as messages show it: masked, control characters escaped
    /// (a key could carry terminal escapes), long ones cut.
    func name(_ key: String) -> String {
        LoadProblem.excerpt(style.redactor.redact(key))
    }

    /// A value as messages quote it: masked, and cut short.
    func text(_ value: JSONValue) -> String {
        style.actualText(value, limit: 80)
    }
}
