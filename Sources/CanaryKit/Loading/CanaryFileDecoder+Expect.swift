import Foundation

/// A step's `expect`: each entry becomes an `Assertion` on one query, in the order written.
extension CanaryFileDecoder {
    func decodeExpect(_ value: LocatedJSON, allowed: [String] = Shapes.expect.keys) -> [Assertion] {
        guard let fields = fields(value, in: "'expect'", allowed: allowed) else { return [] }
        var assertions: [Assertion] = []
        for key in fields.keys {
            guard let entry = fields[key] else { continue }
            let place = fields.keyLocation(key)
            switch key {
            case "headers":
                for member in map(entry, in: "expect 'headers'") ?? [] {
                    if member.key.contains("{{") {
                        _ = template(member.key, at: member.keyLocation, for: "the header name")
                    } else if !Self.isToken(member.key) {
                        report("'\(Self.excerpt(member.key))' is not a valid header name, so no response can have it", at: member.keyLocation)
                    }
                    assertions += assertion(.header(member.key), member.value, at: member.keyLocation)
                }
            case "cookies":
                for member in map(entry, in: "expect 'cookies'") ?? [] {
                    if !Self.isToken(member.key) {
                        report("'\(Self.excerpt(member.key))' is not a valid cookie name, so no response can set it", at: member.keyLocation)
                    }
                    assertions += assertion(.cookie(member.key), member.value, at: member.keyLocation)
                }
            case "json":
                for member in map(entry, in: "expect 'json'") ?? [] {
                    // Decode the predicate even when the path is bad, to report its problems too.
                    let path = member.key.contains("{{") ? templatedPath(member.key, at: member.keyLocation) : jsonPath(member.key, at: member.keyLocation)
                    let checked = assertion(.json(path ?? JSONPath(source: member.key, segments: [])), member.value, at: member.keyLocation)
                    if path != nil { assertions += checked }
                }
            case "timings":
                let browser = allowed.contains("title")
                guard let timings = self.fields(entry, in: "expect 'timings'", allowed: browser ? Shapes.browserTimings.keys : Shapes.timings.keys) else { continue }
                for name in timings.keys {
                    guard let predicate = timings[name] else { continue }
                    if let phase = Query.Phase(rawValue: name) {
                        assertions += assertion(.timing(phase), predicate, at: timings.keyLocation(name))
                    } else if let fact = Query.PageFact(rawValue: "timings." + name) {
                        assertions += assertion(.page(fact), predicate, at: timings.keyLocation(name))
                    }
                }
            case "title", "url":
                assertions += assertion(.page(key == "title" ? .title : .url), entry, at: place)
            case "text", "evaluate":
                for member in map(entry, in: "expect '\(key)'") ?? [] {
                    assertions += assertion(key == "text" ? .text(member.key) : .evaluate(member.key), member.value, at: member.keyLocation)
                }
            case "visible":
                let selectors: [LocatedJSON] = if case .array(let items) = entry.kind { items } else { [entry] }
                for selector in selectors {
                    guard let text = string(selector, for: "expect 'visible'", like: ".logout") else { continue }
                    assertions.append(Assertion(query: .visible(text), predicates: [.equals(.bool(true))], location: selector.location))
                }
            case "console", "network", "vitals":
                let shape = key == "console" ? Shapes.consoleChecks : key == "network" ? Shapes.networkChecks : Shapes.vitals
                guard let checks = self.fields(entry, in: "expect '\(key)'", allowed: shape.keys) else { continue }
                if checks.keys.isEmpty { report("expect '\(key)' is empty: add a check such as \(shape.fields[0].key): \(shape.fields[0].example)", at: entry.location) }
                for name in checks.keys {
                    guard let predicate = checks[name], let fact = Query.PageFact(rawValue: (key == "vitals" ? "vitals." : key + ".") + name) else { continue }
                    assertions += assertion(.page(fact), predicate, at: checks.keyLocation(name))
                }
            case "certificate":
                assertions += certificateAssertions(entry)
            case "xpath":
                for member in map(entry, in: "expect 'xpath'") ?? [] {
                    let valid = member.key.contains("{{") ? template(member.key, at: member.keyLocation, for: "the XPath") != nil : xpath(member.key, at: member.keyLocation)
                    let checked = assertion(.xpath(member.key), member.value, at: member.keyLocation)
                    if valid { assertions += checked }
                }
            case "jsonSchema":
                assertions += decodeJSONSchema(entry, at: place)
            case "visual":
                continue  // not an assertion on the response: see `visualExpectation`
            case "rcode":
                if case .string(let name) = entry.kind, !DNSMessage.rcodeNames.contains(name) {
                    let hint = NameSuggestion.closest(to: name, among: DNSMessage.rcodeNames).map { "; did you mean '\($0)'?" } ?? ""
                    report("'\(Self.excerpt(name))' is not an RCODE name (\(DNSMessage.rcodeNames.joined(separator: ", ")))\(hint)", at: entry.location)
                }
                assertions += assertion(.rcode, entry, at: place)
            default:
                guard let query = Self.simpleQueries[key] else { continue }
                assertions += assertion(query, entry, at: place)
            }
        }
        return assertions
    }

    /// `certificate: {expiresIn: …, issuer: …, chain: {expiresIn: …}, …}`, in the order written.
    private func certificateAssertions(_ entry: LocatedJSON) -> [Assertion] {
        guard let certificate = fields(entry, in: "expect 'certificate'", allowed: Shapes.certificate.keys) else { return [] }
        if certificate.keys.isEmpty {
            report("'certificate' is empty: add a check such as {expiresIn: {gt: \"14d\"}}", at: entry.location)
        }
        var assertions: [Assertion] = []
        for key in certificate.keys {
            guard let predicate = certificate[key] else { continue }
            if key == "chain" {
                guard let chain = fields(predicate, in: "expect 'certificate' 'chain'", allowed: Shapes.certificateChain.keys),
                      let expiresIn = chain["expiresIn"] else { continue }
                assertions += assertion(.certificate(.chainExpiresIn), expiresIn, at: chain.keyLocation("expiresIn"))
            } else if let fact = Query.CertificateFact(rawValue: key) {
                assertions += assertion(.certificate(fact), predicate, at: certificate.keyLocation(key))
            }
        }
        return assertions
    }

    private static let simpleQueries: [String: Query] = [
        "status": .status, "body": .body, "duration": .duration, "size": .size, "redirects": .redirects, "httpVersion": .httpVersion,
        "banner": .banner, "answers": .answers,
    ]

    /// Zero or one assertion (none when the predicate has problems, which are reported).
    private func assertion(_ query: Query, _ value: LocatedJSON, at location: SourceLocation) -> [Assertion] {
        guard let predicates = predicates(value, for: query) else { return [] }
        return [Assertion(query: query, predicates: predicates, location: location)]
    }

    func jsonPath(_ text: String, at location: SourceLocation) -> JSONPath? {
        do {
            return try JSONPath.parse(text)
        } catch {
            report("invalid JSONPath '\(Self.excerpt(text))' \(error.description)", at: location)
            return nil
        }
    }

    /// Whether `expression` is XPath 1.0 (reported when not).
    func xpath(_ expression: String, at location: SourceLocation) -> Bool {
        guard let problem = XPathEvaluator.problem(compiling: expression) else { return true }
        report("invalid XPath '\(Self.excerpt(expression))': \(problem)", at: location)
        return false
    }

    /// A JSONPath key with placeholders is parsed once they are filled in, at run time; here its
    /// placeholders are checked.
    private func templatedPath(_ text: String, at location: SourceLocation) -> JSONPath? {
        template(text, at: location, for: "the JSONPath").map { _ in JSONPath(source: text, segments: []) }
    }

    /// Compiles with the engine used at run time (NSRegularExpression), so a bad pattern is a
    /// load error rather than a failure on every run.
    func checkRegex(_ pattern: String, at location: SourceLocation, for what: String) -> Bool {
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return true
        } catch {
            report("\(what): '\(Self.excerpt(pattern))' is not a valid regular expression (ICU syntax)", at: location)
            return false
        }
    }
}
