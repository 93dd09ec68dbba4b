/// Request headers and bodies as every importer writes them: credentials out, dynamic-looking
/// values marked, headers canary sets itself left out (and said so).
extension ImportedCanary {
    /// A name given twice is one header (a file's keys are unique): cookies joined with "; ",
    /// other values with ", " (RFC 9110 5.3).
    mutating func headers(_ given: [(name: String, value: String)], step: String) -> [ImportedHeader] {
        var headers: [(name: String, value: String)] = []
        for header in given {
            if let index = headers.firstIndex(where: { $0.name.lowercased() == header.name.lowercased() }) {
                headers[index].value += (header.name.lowercased() == "cookie" ? "; " : ", ") + header.value
            } else {
                headers.append(header)
            }
        }
        var kept: [ImportedHeader] = []
        for header in headers {
            if let reason = ImportScrub.droppedReason(header.name) {
                dropped(header.name, reason)
            } else {
                kept.append(ImportScrub.header(header.name, header.value, step: step, secrets: &secrets))
            }
        }
        return kept
    }

    mutating func dropped(_ name: String, _ reason: String) {
        if let index = droppedHeaders.firstIndex(where: { $0.reason == reason }) {
            if !droppedHeaders[index].names.contains(where: { $0.lowercased() == name.lowercased() }) { droppedHeaders[index].names.append(name) }
        } else {
            droppedHeaders.append((reason, [name]))
        }
    }
}

enum ImportBody {
    /// A JSON body as `json` (when it parses), a form's credential fields as placeholders, any
    /// other body as it is.
    static func body(_ text: String, contentType: String, step: String, secrets: inout SecretTable) -> (ImportedStep.Body, String?) {
        let type = contentType.lowercased()
        if type.contains("json"), let value = try? JSON5.parseJSON(Array(text.utf8)) {
            var dynamic: [String] = []
            let scrubbed = ImportScrub.json(value, step: step, secrets: &secrets, dynamic: &dynamic)
            return (.json(scrubbed), note(dynamic))
        }
        if type.contains("x-www-form-urlencoded") {
            let (pairs, dynamic) = ImportScrub.pairs(text, in: "the form body of step '\(step)'", secrets: &secrets)
            return (.raw(pairs), note(dynamic))
        }
        let reason = ImportScrub.dynamicReason(name: "", value: text)
        return (.raw(text), reason.map { "dynamic-looking body (\($0)): " + ImportScrub.dynamicAdvice })
    }

    private static func note(_ dynamic: [String]) -> String? {
        dynamic.isEmpty ? nil : "dynamic-looking body fields " + dynamic.joined(separator: ", ") + ": " + ImportScrub.dynamicAdvice
    }
}
