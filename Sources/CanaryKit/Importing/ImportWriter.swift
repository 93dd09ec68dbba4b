/// Writes an `ImportedCanary` as a commented JSON5 canary file, in the style of `canary new`.
public enum ImportWriter {
    public static func file(_ canary: ImportedCanary, command: String, date: String) -> String {
        var out = "// \(comment(canary.name)): written by `\(command)` on \(date).\n"
        out += "// Check it with `canary validate FILE`, run it with `canary run FILE`; the README's\n"
        out += "// \"A canary file\" lists every key and predicate.\n"
        if !canary.secrets.entries.isEmpty {
            out += "//\n// Secrets: the credentials of the \(canary.source) input are {{secret.NAME}} placeholders, never\n"
            out += "// their values. Set each in the environment (`export NAME=…`) or as a NAME=value line of a\n"
            out += "// --secrets-file (mode 0600) before `canary run`:\n"
            for entry in canary.secrets.entries { out += "//   \(entry.name): \(comment(entry.what))\n" }
        }
        let notImported = canary.notImported + canary.droppedHeaders.map { "headers " + $0.names.joined(separator: ", ") + ": " + $0.reason }
        if !notImported.isEmpty {
            out += "//\n// Not imported (no equivalent in a canary file, or left out on purpose):\n"
            for line in notImported { out += "//   - \(comment(line))\n" }
        }
        out += "{\n  name: \(quoted(canary.name)),\n"
        if !canary.variables.isEmpty {
            out += "  variables: {\n"
            for variable in canary.variables { out += "    \(key(variable.name)): \(quoted(variable.value)),\n" }
            out += "  },\n"
        }
        if !canary.defaultHeaders.isEmpty || canary.defaultTimeout != nil {
            out += "  defaults: {\n"
            if let timeout = canary.defaultTimeout { out += "    timeout: \(quoted(timeout)),\n" }
            if !canary.defaultHeaders.isEmpty { out += headers(canary.defaultHeaders, indent: 4) }
            out += "  },\n"
        }
        out += "  steps: [\n"
        for step in canary.steps { out += self.step(step) }
        out += "  ],\n}\n"
        return out
    }

    private static func step(_ step: ImportedStep) -> String {
        var out = "    {\n"
        for note in step.notes { out += "      // \(comment(note))\n" }
        out += "      name: \(quoted(step.name)),\n      request: {\n"
        if step.method != "GET" { out += "        method: \(quoted(step.method)),\n" }
        out += "        url: \(quoted(step.url)),\(trailing(step.urlNote))\n"
        if !step.headers.isEmpty { out += headers(step.headers, indent: 8) }
        switch step.body {
        case .json(let value)?:
            if let note = step.bodyNote { out += "        // \(comment(note))\n" }
            var writer = JSONWriter(pretty: true)
            writer.write(value, indent: 4)
            out += "        json: \(writer.output),\n"
        case .raw(let text)?:
            if let note = step.bodyNote { out += "        // \(comment(note))\n" }
            out += "        body: \(quoted(text)),\n"
        case nil:
            break
        }
        if let timeout = step.timeout { out += "        timeout: \(quoted(timeout)),\n" }
        if step.insecure { out += "        insecure: true,  // the certificate is not checked (curl -k)\n" }
        if let follow = step.followRedirects { out += "        followRedirects: \(follow),\n" }
        if let maximum = step.maxRedirects { out += "        maxRedirects: \(maximum),\n" }
        out += "      },\n"
        if !step.expect.isEmpty {
            out += "      expect: {\n"
            for member in step.expect { out += "        \(key(member.key)): \(member.value),\(trailing(member.note))\n" }
            out += "      },\n"
        }
        if !step.captures.isEmpty {
            out += "      capture: {\n"
            for capture in step.captures { out += "        \(key(capture.name)): \(capture.value),\n" }
            out += "      },\n"
        }
        return out + "    },\n"
    }

    private static func headers(_ headers: [ImportedHeader], indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = pad + "headers: {\n"
        for header in headers { out += pad + "  \(quoted(header.name)): \(quoted(header.value)),\(trailing(header.note))\n" }
        return out + pad + "},\n"
    }

    private static func trailing(_ note: String?) -> String {
        note.map { "  // " + comment($0) } ?? ""
    }

    /// A JSON string literal (JSON5 reads JSON's escapes).
    static func quoted(_ text: String) -> String {
        JSON5.serialize(.string(text))
    }

    /// A key as written: bare when it is an identifier, quoted otherwise.
    static func key(_ text: String) -> String {
        let plain = text.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } ?? false
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        return plain ? text : quoted(text)
    }

    /// On one comment line: no line breaks or other control characters.
    static func comment(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 }))
    }
}
