import Foundation

/// Parses `{{…}}` placeholders in strings met at run time (JSON body values). Canary files'
/// templates are parsed by the loader; this stands in until `Template.parse` exists there.
enum TemplateText {
    /// `{{ name }}`, `{{env.NAME}}`, `{{secret.NAME}}`; whitespace inside the braces is ignored.
    static func parse(_ text: String) throws(InterpolationError) -> Template {
        var parts: [Template.Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .invalidTemplate(source: text, reason: "a {{ is never closed with }}")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            parts.append(try placeholder(name, in: text))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        return Template(source: text, parts: parts)
    }

    private static func placeholder(_ name: String, in text: String) throws(InterpolationError) -> Template.Part {
        let allowed = name.allSatisfy { $0.isLetter || $0.isNumber || "_.-".contains($0) }
        guard !name.isEmpty, allowed else {
            throw .invalidTemplate(source: text, reason: "{{\(name)}} is not a name; expected {{name}}, {{env.NAME}} or {{secret.NAME}}")
        }
        if name.hasPrefix("env."), name.count > 4 { return .env(String(name.dropFirst(4))) }
        if name.hasPrefix("secret."), name.count > 7 { return .secret(String(name.dropFirst(7))) }
        return .variable(name)
    }
}
