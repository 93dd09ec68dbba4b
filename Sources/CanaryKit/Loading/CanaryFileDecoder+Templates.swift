/// `{{…}}` templates: syntax, and every `{{name}}` defined before it is used.
extension CanaryFileDecoder {
    /// A template from a string (or, with `scalars`, a number or boolean written as text).
    func template(_ value: LocatedJSON, for what: String, scalars: Bool = false) -> Template? {
        guard let text = scalars ? text(value, for: what) : string(value, for: what) else { return nil }
        return template(text, at: value.location, for: what)
    }

    func template(_ text: String, at location: SourceLocation, for what: String) -> Template? {
        do {
            let template = try Template.parse(text)
            checkVariables(of: template, at: location)
            checkEnvironment(of: template, at: location)
            return template
        } catch {
            report("invalid placeholder in \(what) \"\(Self.excerpt(text))\" \(error.description)", at: location)
            return nil
        }
    }

    /// Strings anywhere inside a `json` body are templates: check them where they stand.
    func checkTemplates(inJSON value: LocatedJSON, for what: String) {
        switch value.kind {
        case .string(let text):
            _ = template(text, at: value.location, for: what)
        case .array(let items):
            items.forEach { checkTemplates(inJSON: $0, for: what) }
        case .object(let members):
            members.forEach { checkTemplates(inJSON: $0.value, for: what) }
        case .null, .bool, .number:
            break
        }
    }

    /// Every `{{name}}` must be a variable, a `--var` name, or a capture of an earlier step.
    func checkVariables(of template: Template, at location: SourceLocation) {
        for name in template.variableNames where !knownNames.contains(name) {
            var message = "unknown variable {{\(Self.excerpt(name))}}"
            if let step = laterCaptures[name] {
                message += step == stepName
                    ? ": it is captured by this step, so it can be used from the next step on"
                    : ": it is captured by the later step '\(step)'; only earlier captures can be used"
            } else {
                if let close = NameSuggestion.closest(to: name, among: knownNames) {
                    message += "; did you mean {{\(close)}}?"
                }
                message += " Define it in \"variables\", pass --var \(Self.excerpt(name))=VALUE, or capture it in an earlier step"
                if !knownNames.isEmpty {
                    message += " (known: \(knownNames.sorted().prefix(10).joined(separator: ", ")))"
                }
            }
            report(message, at: location)
        }
    }
}
