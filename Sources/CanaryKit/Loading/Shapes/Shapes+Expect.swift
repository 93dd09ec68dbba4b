/// The shapes of a step's `expect` (and `warn`), `capture` and `screenshot`, and of predicates.
extension Shapes {
    static let expect = Shape(name: "expect", doc: "Checks on the response, each a value (meaning eq) or a predicate object.", fields: [
        Field("status", .predicate(.statusCode), "The status code; a list means one of.", example: "[200, 201]"),
        Field("headers", .map(.predicate(.text)), "Response headers by name (case-insensitive).",
              example: #"{"Content-Type": {contains: "json"}}"#),
        Field("cookies", .map(.predicate(.text)), "Cookies in the run's jar after the step, by name (needs \"cookies\": true).",
              example: #"{session: {exists: true}}"#),
        Field("body", .predicate(.text), "The body as text.", example: #"{contains: "ok"}"#),
        Field("json", .map(.predicate(.any)), "JSONPath queries on a JSON body.", example: #"{"$.status": "up"}"#),
        Field("duration", .predicate(.duration), "The whole request's time (\"800ms\", or a number of milliseconds).",
              example: #"{lt: "800ms"}"#),
        Field("timings", .shape("timings"), "The time of each phase of the request.", example: #"{firstByte: {lt: "300ms"}}"#),
        Field("size", .predicate(.number), "The body's size in bytes.", example: #"{gt: 100}"#),
        Field("redirects", .predicate(.number), "How many redirects were followed.", example: "0"),
        Field("httpVersion", .predicate(.text), "The HTTP version of the response: \"1.1\", \"2\".", example: #""2""#),
        Field("certificate", .shape("certificate"), "The server certificate (https only).", example: #"{expiresIn: {gt: "14d"}}"#),
        Field("visual", .shape("visual"), "Compare a browser screenshot with the baseline (expect only).", example: #"{maxDiff: "2%"}"#),
        Field("jsonSchema", .anyOf([.shape("jsonSchemaFile"), .schemaOr("jsonSchemaFile")]), "The JSON body must follow this JSON Schema (inline or a file).",
              example: #"{file: "schemas/slideshow.json"}"#),
        Field("xpath", .map(.predicate(.any)), "XPath 1.0 queries on an XML or HTML body.", example: #"{"count(//item)": {gte: 1}}"#),
    ])

    static let timings = Shape(
        name: "timings", doc: "Phases of the request, each compared in milliseconds or as a duration.",
        fields: Query.Phase.allCases.map { phase in
            Field(phase.rawValue, .predicate(.duration), "Time of the \(phase.rawValue) phase.", example: #"{lt: "200ms"}"#)
        })

    static let certificate = Shape(name: "certificate", doc: "Checks on the TLS handshake and the server certificate (https only).", fields: [
        Field("expiresIn", .predicate(.duration), "Time left until the certificate expires (its notAfter).", example: #"{gt: "14d"}"#),
        Field("validFor", .predicate(.duration), "Time since the certificate became valid (its notBefore).", example: #"{gt: "1h"}"#),
        Field("chain", .shape("certificateChain"), "The certificates the server sent, leaf and intermediates.", example: #"{expiresIn: {gt: "14d"}}"#),
        Field("subject", .predicate(.text), "The certificate's subject, as OpenSSL writes it.", example: #"{contains: "CN = api.example.com"}"#),
        Field("issuer", .predicate(.text), "The certificate's issuer, as OpenSSL writes it.", example: #"{contains: "Let's Encrypt"}"#),
        Field("subjectAltNames", .predicate(.any), "The certificate's subjectAltName entries, an array of names.", example: #"{contains: "api.example.com"}"#),
        Field("protocol", .predicate(.text), "The TLS version agreed.", example: #"{in: ["TLSv1.2", "TLSv1.3"]}"#),
        Field("cipher", .predicate(.text), "The cipher suite agreed, in OpenSSL's naming.", example: #""TLS_AES_256_GCM_SHA384""#),
    ], nonEmpty: true)

    static let certificateChain = Shape(name: "certificateChain", doc: "Checks on every certificate the server sent.", fields: [
        Field("expiresIn", .predicate(.duration), required: true, "Time left until the first of them expires.", example: #"{gt: "14d"}"#),
    ])

    static let jsonSchemaFile = Shape(
        name: "jsonSchemaFile", doc: "A JSON Schema in a file, or inline under `schema`, with options.",
        fields: [
            Field("file", .string, "The schema file, relative to the canary file.", example: #""schemas/slideshow.json""#),
            Field("schema", .schema, "The schema, inline.", example: #"{type: "object", required: ["id"]}"#),
            Field("formats", .boolean, "Also check \"format\" keywords (uri, email, date-time...).", example: "true"),
        ], rules: [.exactlyOne([["file"], ["schema"]])])

    static let visual = Shape(name: "visual", doc: "A screenshot compared with the baseline.", fields: [
        Field("maxDiff", .pattern(#"^[ \t]*[0-9.]+[ \t]*%$"#), "The share of pixels that may differ, as a percentage.", example: #""2%""#),
        Field("ignore", .array(.shape("region")), "Regions left out of the comparison.", example: #"[{x: 0, y: 0, width: 200, height: 40}]"#),
    ])

    static let region = Shape(name: "region", doc: "A rectangle of the screenshot, in pixels.", fields: ["x", "y", "width", "height"].map { key in
        Field(key, .integer(0...16384), required: true, "The region's \(key) in pixels.", example: "40")
    })

    static let screenshot = Shape(name: "screenshot", doc: "The browser window of a screenshot.", fields: [
        Field("width", .integer(ScreenshotSettings.widths), "Window width in pixels.", example: "1280"),
        Field("height", .integer(ScreenshotSettings.heights), "Window height in pixels.", example: "800"),
        Field("fullPage", .boolean, "Capture the whole page, not only the window.", example: "true"),
    ])

    /// The keys of a capture that say where its value comes from (exactly one is given).
    static let captureSources = ["json", "xpath", "header", "cookie", "body", "status"]

    static let capture = Shape(
        name: "capture", doc: "Where a captured value comes from: exactly one of json, xpath, header, cookie, body, status.",
        fields: [
            Field("json", .string, "A JSONPath into the JSON body.", example: #""$.token""#),
            Field("xpath", .string, "An XPath 1.0 expression on an XML or HTML body.", example: #""string(//title)""#),
            Field("header", .string, "A response header's value.", example: #""Set-Cookie""#),
            Field("cookie", .string, "A cookie's value in the run's jar after the step (needs \"cookies\": true).", example: #""session""#),
            Field("body", .constant(true), "The whole body.", example: "true"),
            Field("status", .constant(true), "The status code.", example: "true"),
            Field("regex", .string, "Keep the first group (or the whole match) of this regular expression.", example: #""sid=([^;]+)""#),
            Field("secret", .boolean, "Redact the value everywhere, like a {{secret.X}}.", example: "true"),
        ], rules: [.exactlyOne(captureSources.map { [$0] })])

    /// A predicate object for a query yielding `operand`: numbers take no text keywords.
    static func predicate(_ operand: CanaryFileDecoder.OperandKind) -> Shape {
        let value = ValueKind.operand(operand)
        let ordered: ValueKind = operand == .text || operand == .any ? .anyOf([.number, .string]) : value
        let all = [
            Field("eq", value, "Equal to.", example: operand.example),
            Field("ne", value, "Not equal to.", example: operand.example),
            Field("lt", ordered, "Less than.", example: operand.example),
            Field("lte", ordered, "Less than or equal to.", example: operand.example),
            Field("gt", ordered, "Greater than.", example: operand.example),
            Field("gte", ordered, "Greater than or equal to.", example: operand.example),
            Field("in", .array(value), "One of these values.", example: "[\(operand.example)]"),
            Field("contains", value, "Contains this text (or array item).", example: #""ok""#),
            Field("notContains", value, "Does not contain this text (or array item).", example: #""error""#),
            Field("matches", .string, "Matches this regular expression (ICU syntax).", example: #""^2\\d\\d$""#),
            Field("exists", .boolean, "Whether the query finds anything.", example: "true"),
            Field("length", .predicate(.number), "The length of the text or array.", example: #"{gte: 1}"#),
            Field("type", .choice(CanaryFileDecoder.typeNames), "The JSON type.", example: #""string""#),
        ]
        let textOnly: Set = ["contains", "notContains", "matches", "length"]
        return Shape(
            name: "predicate-\(operand.name)", doc: "Predicates combined (all must hold), or a bare value meaning eq.",
            fields: operand.isNumeric ? all.filter { !textOnly.contains($0.key) } : all, nonEmpty: true)
    }
}

extension CanaryFileDecoder.OperandKind {
    /// Names the predicate shape of this kind.
    var name: String {
        switch self {
        case .statusCode: return "status"
        case .number: return "number"
        case .duration: return "duration"
        case .text: return "text"
        case .any: return "any"
        }
    }

    fileprivate var example: String {
        switch self {
        case .statusCode: return "200"
        case .number: return "10"
        case .duration: return #""500ms""#
        case .text, .any: return #""ok""#
        }
    }
}

extension ValueKind {
    /// A bare operand for a query yielding `kind`; strings with placeholders are filled in at run time.
    static func operand(_ kind: CanaryFileDecoder.OperandKind) -> ValueKind {
        switch kind {
        case .statusCode: return .anyOf([.integer(100...999), .pattern(#"\{\{"#)])
        case .number: return .anyOf([.number, .pattern(#"\{\{"#)])
        case .duration: return .anyOf([.number, .duration, .pattern(#"\{\{"#)])
        case .text: return .string
        case .any: return .any
        }
    }
}
