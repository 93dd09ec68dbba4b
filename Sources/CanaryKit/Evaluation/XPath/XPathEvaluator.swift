import CLibXML2
import Foundation

/// What one XPath expression gave on a body: a value for predicates and captures, or nothing
/// with the reason (no node selected, a body that can't be read).
public struct XPathOutcome: Sendable, Equatable {
    public var value: JSONValue?
    public var missingReason: String
}

/// XPath 1.0 on XML and HTML bodies, through libxml2 (the only file that touches it). Foundation's
/// XMLDocument is not used: on Linux it crashes on a body it can't parse and returns nothing for
/// `count(…)` or `string(…)`. Bodies are parsed with entity substitution, DTD loading and network
/// access off (no billion laughs, no external entity is ever read), and libxml2's own printing of
/// errors is silenced: the first error goes into the failure message instead.
enum XPathEvaluator {
    /// A node-set's string values are cut off past this many bytes in all (each node's value is
    /// all the text below it, so `//div` on nested divs grows quadratically).
    static let maximumResultBytes = 16 << 20

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// libxml2 keeps its error handlers per thread: set the silent one on whichever runs us.
    private static func silenceErrors() {
        _ = initialized
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        canary_xml_silence_generic_errors()
    }

    /// nil when `expression` is valid XPath 1.0; otherwise why not. libxml2 compiles some
    /// expressions that fail on every document (`count(`, an unknown function, an unbound
    /// variable, `count(1)`), so the compiled expression is also evaluated once on `<a/>`: an error
    /// there is the file's, found at load, not a failure blamed on the target at every run.
    static func problem(compiling expression: String) -> String? {
        silenceErrors()
        xmlResetLastError()
        guard let compiled = xmlXPathCompile(expression) else {
            return lastError(xmlGetLastError()) ?? "not a valid XPath 1.0 expression"
        }
        defer { xmlXPathFreeCompExpr(compiled) }
        guard let document = parse(Array("<a/>".utf8), html: false, charset: nil).0 else { return nil }
        defer { xmlFreeDoc(document) }
        guard let context = xmlXPathNewContext(document) else { return nil }
        defer { xmlXPathFreeContext(context) }
        xmlResetLastError()
        guard let result = xmlXPathCompiledEval(compiled, context) else {
            return lastError(xmlGetLastError()) ?? "it does not evaluate on any document"
        }
        xmlXPathFreeObject(result)
        return nil
    }

    /// Every expression, against one parse of the body. HTML (by Content-Type, or a body that
    /// starts like HTML) goes through the forgiving HTML parser; anything else must be XML.
    static func evaluate(_ expressions: [String], body: [UInt8], contentType: String?) -> [String: XPathOutcome] {
        silenceErrors()
        let html = isHTML(body, contentType: contentType)
        let (document, failure) = parse(body, html: html, charset: charset(in: contentType))
        guard let document else {
            let outcome = XPathOutcome(value: nil, missingReason: failure)
            return Dictionary(expressions.map { ($0, outcome) }, uniquingKeysWith: { first, _ in first })
        }
        defer { xmlFreeDoc(document) }
        guard let context = xmlXPathNewContext(document) else { return [:] }
        defer { xmlXPathFreeContext(context) }
        var outcomes: [String: XPathOutcome] = [:]
        for expression in expressions where outcomes[expression] == nil {
            outcomes[expression] = evaluate(expression, in: context)
        }
        return outcomes
    }

    private static func evaluate(_ expression: String, in context: xmlXPathContextPtr) -> XPathOutcome {
        xmlResetLastError()
        guard let result = xmlXPathEvalExpression(expression, context) else {
            return XPathOutcome(value: nil, missingReason: "invalid XPath: \(lastError(xmlGetLastError()) ?? "it does not evaluate")")
        }
        defer { xmlXPathFreeObject(result) }
        switch result.pointee.type {
        case XPATH_BOOLEAN: return XPathOutcome(value: .bool(result.pointee.boolval != 0), missingReason: "")
        case XPATH_NUMBER: return XPathOutcome(value: .number(result.pointee.floatval), missingReason: "")
        case XPATH_STRING: return XPathOutcome(value: .string(text(result.pointee.stringval)), missingReason: "")
        case XPATH_NODESET: return nodeValues(result.pointee.nodesetval)
        default: return XPathOutcome(value: nil, missingReason: "the XPath gave a value canary can't read")
        }
    }

    /// No node: missing; one: its string value; several: the list of them.
    private static func nodeValues(_ set: xmlNodeSetPtr?) -> XPathOutcome {
        let count = Int(set?.pointee.nodeNr ?? 0)
        guard let set, count > 0, let nodes = set.pointee.nodeTab else {
            return XPathOutcome(value: nil, missingReason: "the XPath selected no node")
        }
        var values: [JSONValue] = []
        var bytes = 0
        for index in 0..<count {
            let string = xmlXPathCastNodeToString(nodes[index])
            let value = text(string)
            free(string)  // libxml2 allocates with malloc unless told otherwise (canary never does)
            bytes += value.utf8.count
            guard bytes <= maximumResultBytes else {
                return XPathOutcome(value: nil, missingReason: "the \(count) selected nodes hold more than \(maximumResultBytes >> 20) MB of text; select fewer")
            }
            values.append(.string(value))
        }
        return XPathOutcome(value: values.count == 1 ? values[0] : .array(values), missingReason: "")
    }

    private static func parse(_ body: [UInt8], html: Bool, charset: String?) -> (xmlDocPtr?, String) {
        guard !body.isEmpty, body.count < Int32.max else { return (nil, "the body is empty") }
        let kind = html ? "HTML" : "XML"
        return body.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { bytes in
                if html {
                    let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
                    guard let context = htmlNewParserCtxt() else { return (nil, "out of memory") }
                    defer { htmlFreeParserCtxt(context) }
                    let document = htmlCtxtReadMemory(context, bytes, Int32(buffer.count), nil, charset ?? "UTF-8", options)
                    return (document, "the body is not \(kind) that can be read: \(lastError(xmlCtxtGetLastError(context)) ?? "no document")")
                }
                // No XML_PARSE_NOENT (entities stay references), no DTDLOAD, no network.
                let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
                guard let context = xmlNewParserCtxt() else { return (nil, "out of memory") }
                defer { xmlFreeParserCtxt(context) }
                let document = xmlCtxtReadMemory(context, bytes, Int32(buffer.count), nil, charset, options)
                if let document, context.pointee.wellFormed == 0 {
                    xmlFreeDoc(document)
                    return (nil, "the body is not well-formed XML: \(lastError(xmlCtxtGetLastError(context)) ?? "")")
                }
                return (document, "the body is not well-formed XML: \(lastError(xmlCtxtGetLastError(context)) ?? "no document")")
            }
        }
    }

    /// libxml2's message and line, on one line.
    private static func lastError(_ error: UnsafeMutablePointer<xmlError>?) -> String? {
        guard let error, let message = error.pointee.message else { return nil }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        let line = error.pointee.line > 0 ? " (line \(error.pointee.line))" : ""
        return LoadProblem.excerpt(text) + line
    }

    private static func text(_ string: UnsafePointer<xmlChar>?) -> String {
        guard let string else { return "" }
        return string.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
    }

    private static func text(_ string: UnsafeMutablePointer<xmlChar>?) -> String {
        text(UnsafePointer(string))
    }

    static func isHTML(_ body: [UInt8], contentType: String?) -> Bool {
        if let type = contentType?.lowercased() {
            if type.contains("html") { return true }
            if type.contains("xml") { return false }
        }
        let start = String(decoding: body.prefix(256), as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }.lowercased()
        return start.hasPrefix("<!doctype html") || start.hasPrefix("<html")
    }

    private static func charset(in contentType: String?) -> String? {
        guard let type = contentType, let range = type.range(of: "charset=", options: .caseInsensitive) else { return nil }
        let value = type[range.upperBound...].prefix { $0 != ";" && $0 != " " }.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        return value.isEmpty ? nil : value
    }
}
