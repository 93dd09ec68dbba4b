/// The `browser` step kind: its object and actions, and the checks it takes in `expect`.
extension CanaryFileDecoder {
    /// A `browser` object.
    func decodeBrowser(_ value: LocatedJSON) -> StepKind? {
        guard let fields = fields(value, in: "'browser'", allowed: Shapes.browser.keys) else { return nil }
        guard let urlValue = fields["url"] else {
            report("the browser step has no 'url'; add \"url\": \"https://example.com/login\"", at: value.location)
            return nil
        }
        guard let url = template(urlValue, for: "browser 'url'") else { return nil }
        var browser = BrowserStep(url: url)
        if let viewport = fields["viewport"], let size = self.fields(viewport, in: "browser 'viewport'", allowed: Shapes.viewport.keys) {
            if let width = size["width"].flatMap({ integer($0, for: "viewport 'width'", in: BrowserStep.viewportWidths) }) { browser.viewport.width = width }
            if let height = size["height"].flatMap({ integer($0, for: "viewport 'height'", in: BrowserStep.viewportHeights) }) { browser.viewport.height = height }
        }
        browser.timeout = fields["timeout"].flatMap { positiveDuration($0, for: "the browser 'timeout'") }
        if let actions = fields["actions"] {
            guard case .array(let items) = actions.kind else {
                report("expected a list of actions for browser 'actions', found \(actions.foundDescription); write e.g. [{click: \"#go\"}]", at: actions.location)
                return nil
            }
            browser.actions = items.enumerated().compactMap { decodeAction($1, number: $0 + 1) }
            guard browser.actions.count == items.count else { return nil }
        }
        return .browser(browser)
    }

    private func decodeAction(_ value: LocatedJSON, number: Int) -> BrowserAction? {
        let what = "action \(number)"
        guard let fields = fields(value, in: what, allowed: Shapes.browserAction.keys) else { return nil }
        let given = BrowserAction.names.filter(fields.has)
        guard given.count == 1, let name = given.first, let body = fields[name] else {
            // An unknown key (say 'tap') was reported already, with the keys allowed.
            if given.isEmpty, value.objectMembers?.contains(where: { !Shapes.browserAction.keys.contains($0.key) }) == true { return nil }
            let found = given.isEmpty ? "none" : given.map { "'\($0)'" }.joined(separator: " and ")
            report("\(what) does one thing: exactly one of \(BrowserAction.names.joined(separator: ", ")) (found \(found)); e.g. {click: \"#go\"}", at: value.location)
            return nil
        }
        let timeout = fields["timeout"].flatMap { positiveDuration($0, for: "the \(what) 'timeout'") }
        let label = "\(what) '\(name)'"
        let kind: BrowserAction.Kind?
        switch name {
        case "goto":
            kind = template(body, for: label).map { .goto($0) }
        case "click", "hover":
            let selector = selectorOrObject(body, label, shape: Shapes.selectorTarget)?.selector
            kind = selector.map { name == "click" ? .click($0) : .hover($0) }
        case "fill", "select":
            guard let object = self.fields(body, in: label, allowed: Shapes.fillAction.keys),
                  let selector = requiredTemplate("selector", object, label, like: "\"selector\": \"#user\""),
                  let text = requiredTemplate("value", object, label, like: "\"value\": \"bob\"") else { return nil }
            if name == "fill" { warnAboutSecret(text, into: selector, at: body.location) }
            kind = name == "fill" ? .fill(selector: selector, value: text) : .select(selector: selector, value: text)
        case "press":
            if case .string(let key) = body.kind {
                kind = checkKey(key, at: body.location).map { .press(key: $0, selector: nil) }
            } else if let object = self.fields(body, in: label, allowed: Shapes.pressAction.keys), let keyValue = object["key"],
                      let key = string(keyValue, for: "\(label) 'key'", like: "Enter") {
                let selector = object["selector"].flatMap { template($0, for: "\(label) 'selector'") }
                kind = checkKey(key, at: keyValue.location).map { .press(key: $0, selector: selector) }
            } else {
                kind = nil
            }
        case "check":
            guard let found = selectorOrObject(body, label, shape: Shapes.checkAction) else { return nil }
            let checked = found.fields?["checked"].flatMap { bool($0, for: "\(label) 'checked'") } ?? true
            kind = .check(selector: found.selector, checked: checked)
        case "waitFor":
            kind = decodeWait(body, label)
        case "scroll":
            if case .string = body.kind {
                kind = template(body, for: label).map { .scroll(selector: $0, x: 0, y: 0) }
            } else if let object = self.fields(body, in: label, allowed: Shapes.scrollAction.keys) {
                let selector = object["selector"].flatMap { template($0, for: "\(label) 'selector'") }
                let x = object["x"].flatMap { integer($0, for: "\(label) 'x'", in: -100_000...100_000) } ?? 0
                let y = object["y"].flatMap { integer($0, for: "\(label) 'y'", in: -100_000...100_000) } ?? 0
                if selector == nil && x == 0 && y == 0 { report("\(label) scrolls nowhere: give a 'selector', or 'x'/'y' pixels", at: body.location) }
                kind = .scroll(selector: selector, x: x, y: y)
            } else {
                kind = nil
            }
        case "screenshot":
            kind = string(body, for: label, like: "basket").map { .screenshot($0) }
        default:  // evaluate
            if case .string = body.kind {
                kind = template(body, for: label).map { .evaluate(script: $0, capture: nil) }
            } else if let object = self.fields(body, in: label, allowed: Shapes.evaluateAction.keys),
                      let script = requiredTemplate("script", object, label, like: "\"script\": \"document.title\"") {
                let capture = object["capture"].flatMap { string($0, for: "\(label) 'capture'", like: "items") }
                if let capture {
                    if !Template.isValidName(capture) { report("\(label) 'capture' '\(Self.excerpt(capture))' can't be used as {{\(Self.excerpt(capture))}}; use letters, digits, '_' and '-'", at: value.location) }
                    knownNames.insert(capture)
                    capturedSoFar.insert(capture)
                }
                kind = .evaluate(script: script, capture: capture)
            } else {
                kind = nil
            }
        }
        return kind.map { BrowserAction($0, timeout: timeout, location: value.location) }
    }

    private func decodeWait(_ body: LocatedJSON, _ label: String) -> BrowserAction.Kind? {
        if case .string = body.kind { return template(body, for: label).map { .waitFor(.selector($0)) } }
        guard let object = fields(body, in: label, allowed: Shapes.waitForAction.keys) else { return nil }
        let given = Shapes.waitForAction.keys.filter(object.has)
        guard given.count == 1, let key = given.first, let value = object[key] else {
            report("\(label) waits for exactly one of 'selector', 'text', 'url' or 'networkIdle'; e.g. {waitFor: {text: \"Welcome\"}}", at: body.location)
            return nil
        }
        switch key {
        case "selector": return template(value, for: "\(label) 'selector'").map { .waitFor(.selector($0)) }
        case "text": return template(value, for: "\(label) 'text'").map { .waitFor(.text($0)) }
        case "url": return template(value, for: "\(label) 'url'").map { .waitFor(.url($0)) }
        default:
            guard bool(value, for: "\(label) 'networkIdle'") == true else {
                report("\(label) 'networkIdle' takes true", at: value.location)
                return nil
            }
            return .waitFor(.networkIdle)
        }
    }

    /// A selector written alone (`"#go"`) or as `{selector: …}` with the shape's other keys.
    private func selectorOrObject(_ body: LocatedJSON, _ label: String, shape: Shape) -> (selector: Template, fields: Fields?)? {
        if case .string = body.kind { return template(body, for: label).map { ($0, nil) } }
        guard let object = fields(body, in: label, allowed: shape.keys),
              let selector = requiredTemplate("selector", object, label, like: "\"selector\": \"#go\"") else { return nil }
        return (selector, object)
    }

    private func requiredTemplate(_ key: String, _ fields: Fields, _ label: String, like example: String) -> Template? {
        guard let value = fields[key] else {
            report("\(label) has no '\(key)'; add \(example)", at: fields.location)
            return nil
        }
        return template(value, for: "\(label) '\(key)'")
    }

    private func checkKey(_ key: String, at location: SourceLocation) -> String? {
        guard key.count == 1 || PageDriver.keyNames.contains(key) else {
            let hint = NameSuggestion.closest(to: key, among: PageDriver.keyNames).map { "; did you mean '\($0)'?" } ?? ""
            report("'\(Self.excerpt(key))' is not a key press knows: one character, or one of \(PageDriver.keyNames.joined(separator: ", "))\(hint)", at: location)
            return nil
        }
        return key
    }

    /// A secret typed into a field that is not a password field shows in every screenshot.
    private func warnAboutSecret(_ value: Template, into selector: Template, at location: SourceLocation) {
        let secrets = value.parts.compactMap { if case .secret(let name) = $0 { name } else { nil } }
        guard let name = secrets.first, !selector.source.lowercased().contains("password") else { return }
        warn("fill types {{secret.\(name)}} into '\(Self.excerpt(selector.source))', which does not look like a password field: the value would be visible in the step's screenshots; target an input[type=password] (a selector naming 'password')", at: location)
    }
}
