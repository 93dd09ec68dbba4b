/// One step: its name, request, expectations and captures.
extension CanaryFileDecoder {
    /// The step names of a canary so far, and their slugs (two names must not share a file name).
    struct UsedNames {
        var places: [String: SourceLocation] = [:]
        var slugs: [String: (name: String, place: SourceLocation)] = [:]
    }

    func decodeStep(_ value: LocatedJSON, number: Int, usedNames: inout UsedNames) -> Step? {
        stepName = "step-\(number)"
        defer { stepName = nil }
        // Problems found before `name` is decoded (unknown keys) already name the step.
        if case .string(let written)? = value.objectMembers?.first(where: { $0.key == "name" })?.value.kind { stepName = written }
        guard let fields = fields(value, in: "the step", allowed: Shapes.step.keys) else { return nil }
        var name = "step-\(number)"
        if let nameValue = fields["name"], let text = string(nameValue, for: "the step 'name'") {
            name = text
            stepName = text
            checkName(text, kind: "step", at: nameValue.location)
        }
        let namePlace = fields.has("name") ? fields.keyLocation("name") : value.location
        if let first = usedNames.places[name] {
            report("step name '\(Self.excerpt(name))' is already used by the step at line \(first.line), column \(first.column); step names must be unique within a canary", at: namePlace)
        } else if let (other, first) = usedNames.slugs[NameSlug.slug(name)] {
            report("step names '\(Self.excerpt(name))' and '\(Self.excerpt(other))' (line \(first.line), column \(first.column)) get the same file name '\(NameSlug.slug(name))'; rename one", at: namePlace)
        } else {
            usedNames.places[name] = namePlace
            usedNames.slugs[NameSlug.slug(name)] = (name, namePlace)
        }
        let kindKey = stepKindKey(fields, at: value.location)
        var kind: StepKind?
        if let kindKey, let kindValue = fields[kindKey] {
            switch kindKey {
            case "request": kind = decodeRequest(kindValue).map { .http($0) }
            case "browser": kind = decodeBrowser(kindValue)
            default: kind = decodeProbe(kindKey, kindValue)
            }
        }
        let checksKind = kindKey ?? "request"
        let assertions = fields["expect"].map { decodeChecks($0, kind: checksKind, section: "expect") } ?? []
        let warnings = fields["warn"].map { decodeWarn($0, kind: checksKind) } ?? []
        let captures = fields["capture"].map { decodeCaptures($0, kind: checksKind) } ?? []
        if let kindKey, kindKey != "request", fields.has("screenshot") {
            report("'screenshot' renders an HTTP response; a \(kindKey) step has none to render: remove it", at: fields.keyLocation("screenshot"))
        }
        // A tcp step reads only when something reads what it reads (else it only connects).
        if case .tcp(var tcp) = kind {
            tcp.reads = (assertions + warnings).contains { $0.query == .banner } || captures.contains { $0.source == .banner }
            kind = .tcp(tcp)
        }
        let continueOnFailure = fields["continueOnFailure"].flatMap { bool($0, for: "'continueOnFailure'") } ?? false
        // From here on, this step's captures are known to the steps that follow; a broken one
        // too, so its problem is reported once, at the capture, and not again at every use.
        let captureNames = fields["capture"]?.objectMembers?.map(\.key) ?? captures.map(\.name)
        for captureName in captureNames {
            knownNames.insert(captureName)
            capturedSoFar.insert(captureName)
            if laterCaptures[captureName] == name { laterCaptures[captureName] = nil }
        }
        guard let kind else { return nil }
        if case .http(let request) = kind { checkCertificateNeedsHTTPS(request, assertions + warnings) }
        var step = Step(
            name: name, kind: kind, assertions: assertions, captures: captures,
            continueOnFailure: continueOnFailure, location: value.location)
        step.warnings = warnings
        step.screenshot = fields["screenshot"].map { decodeScreenshot($0, base: defaultScreenshot) } ?? defaultScreenshot
        step.visual = fields["expect"].flatMap(visualExpectation)
        return step
    }

    /// `warn`: the queries and predicates of `expect`; missing one makes a passing run degraded.
    private func decodeWarn(_ value: LocatedJSON, kind: String) -> [Assertion] {
        if kind == "request", let visual = value.objectMembers?.first(where: { $0.key == "visual" }) {
            report("'visual' belongs in 'expect' only: a screenshot comparison is not a warn check", at: visual.keyLocation)
        }
        return decodeChecks(value, kind: kind, section: "warn")
    }

    func decodeCaptures(_ value: LocatedJSON, kind: String = "request") -> [Capture] {
        if kind == "tls" || kind == "dns" {
            report("a \(kind) step has nothing to capture: captures read an HTTP response or a tcp step's banner", at: value.location)
            return []
        }
        let allowed = kind == "tcp" ? Shapes.tcpCapture.keys : kind == "browser" ? Shapes.browserCapture.keys : Shapes.capture.keys
        return (map(value, in: "'capture'") ?? []).compactMap { member in
            if !Template.isValidName(member.key) {
                report("capture name '\(Self.excerpt(member.key))' can't be used as {{\(Self.excerpt(member.key))}}; use letters, digits, '_' and '-'", at: member.keyLocation)
            }
            return decodeCapture(named: member.key, member.value, allowed: allowed)
        }
    }

    private func decodeCapture(named name: String, _ value: LocatedJSON, allowed: [String]) -> Capture? {
        let what = "capture '\(name)'"
        guard let fields = fields(value, in: what, allowed: allowed) else { return nil }
        let sources = fields.keys.filter((Shapes.captureSources + Shapes.tcpCaptureSources + Shapes.browserCaptureSources).contains)
        guard sources.count == 1, let sourceKey = sources.first, let sourceValue = fields[sourceKey] else {
            let found = sources.isEmpty ? "none" : sources.map { "'\($0)'" }.joined(separator: " and ")
            if allowed == Shapes.browserCapture.keys {
                guard value.objectMembers?.contains(where: { !allowed.contains($0.key) }) != true else { return nil }
                report("\(what) of a browser step takes {\"selector\": \"…\"} (with an optional 'attribute') or {\"evaluate\": \"…\"}; found \(found)", at: value.location)
                return nil
            }
            if allowed == Shapes.tcpCapture.keys {
                // An unknown key (say 'body') was reported already, with the keys allowed.
                guard value.objectMembers?.contains(where: { !allowed.contains($0.key) }) != true else { return nil }
                report("\(what) of a tcp step takes {\"banner\": true} (with an optional 'regex'); found \(found)", at: value.location)
                return nil
            }
            report("\(what) takes exactly one of {\"json\": \"$.path\"}, {\"xpath\": \"//title\"}, {\"header\": \"Name\"}, {\"cookie\": \"name\"}, {\"body\": true} or {\"status\": true}; found \(found)", at: value.location)
            return nil
        }
        let source: Capture.Source?
        switch sourceKey {
        case "json":
            source = string(sourceValue, for: "\(what) 'json'", like: "$.token").flatMap { jsonPath($0, at: sourceValue.location) }.map { .json($0) }
        case "xpath":
            source = string(sourceValue, for: "\(what) 'xpath'", like: "//input[@name='csrf']/@value").flatMap { xpath($0, at: sourceValue.location) ? .xpath($0) : nil }
        case "header":
            source = string(sourceValue, for: "\(what) 'header'", like: "Set-Cookie").map { .header($0) }
        case "cookie":
            source = string(sourceValue, for: "\(what) 'cookie'", like: "session").map { .cookie($0) }
        case "selector":
            let attribute = fields["attribute"].flatMap { string($0, for: "\(what) 'attribute'", like: "value") }
            source = string(sourceValue, for: "\(what) 'selector'", like: "input[name=csrf]").map { .selector($0, attribute: attribute) }
        case "evaluate":
            source = string(sourceValue, for: "\(what) 'evaluate'", like: "document.title").map { .evaluate($0) }
        default:
            let flag = bool(sourceValue, for: "\(what) '\(sourceKey)'")
            if flag == false { report("\(what) '\(sourceKey)': false captures nothing; write true", at: sourceValue.location) }
            source = flag == true ? [("body", Capture.Source.body), ("banner", .banner)].first { $0.0 == sourceKey }?.1 ?? .status : nil
        }
        var regex: String?
        if let regexValue = fields["regex"] {
            regex = string(regexValue, for: "\(what) 'regex'", like: "sid=([^;]+)")
            if let pattern = regex, !checkRegex(pattern, at: regexValue.location, for: "\(what) 'regex'") { return nil }
        }
        let secret = fields["secret"].flatMap { bool($0, for: "\(what) 'secret'") } ?? false
        return source.map { Capture(name: name, source: $0, regex: regex, secret: secret) }
    }

    /// A certificate check on a plain http:// URL could never pass.
    private func checkCertificateNeedsHTTPS(_ request: RequestTemplate, _ assertions: [Assertion]) {
        guard case .literal(let prefix)? = request.url.parts.first, prefix.lowercased().hasPrefix("http://") else { return }
        let certificateChecks = assertions.filter { if case .certificate = $0.query { true } else { false } }
        if let assertion = certificateChecks.first {
            report("'certificate' needs an https:// URL; \"\(request.url.source)\" has no certificate", at: assertion.location ?? fileStart)
        }
    }
}
