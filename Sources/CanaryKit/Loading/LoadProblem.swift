/// One thing wrong with a canary file: where, in which canary and step, and what to do about it.
public struct LoadProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// `file:line:column`; line 1 column 1 when it concerns the whole file.
    public var location: SourceLocation
    public var canary: String?
    public var step: String?
    /// What is wrong, what was found, and the likely fix.
    public var message: String
    /// The file could not be opened or is not one (missing, a folder without canaries): there is
    /// no place in it to point at, so the problem reads `path: message`, not `path:1:1`.
    public var concernsPathOnly = false

    /// Control characters from the file (a NUL, a tab, an ESC that would drive the terminal) are
    /// shown escaped, so each problem stays one harmless line; the message is capped once escaped.
    public init(location: SourceLocation, canary: String? = nil, step: String? = nil, message: String) {
        self.location = location
        self.canary = canary.map(Self.printable)
        self.step = step.map(Self.printable)
        self.message = Self.capped(Self.printable(message))
    }

    /// The most bytes a message shows. Messages quote the file (keys, paths, schemas): a huge
    /// one, or a run of NULs (six bytes each once escaped as `\u0000`), must not make a huge line.
    static let maximumMessageBytes = 600

    /// `text` cut to its first 400 bytes (at a character) and `…` when it is over the maximum.
    static func capped(_ text: String) -> String {
        guard text.utf8.count > maximumMessageBytes else { return text }
        var kept = ""
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > 400 { break }
            kept.unicodeScalars.append(scalar)
        }
        return kept + "… (\(text.utf8.count) bytes)"
    }

    /// `text` with C0 and C1 control characters and DEL written as `\n`, `\t`, `\r` or `\u001B`,
    /// and the invisible direction marks and overrides as `\u202E` (a name holding one must not
    /// reorder the line that refuses it).
    static func printable(_ text: String) -> String {
        let escaped = PrintableText.escaping(text)
        // ASCII has no direction controls: most text is answered without Unicode's property tables
        // (every assertion's text passes here as each canary file loads).
        guard !escaped.utf8.allSatisfy({ $0 < 0x80 }), escaped.unicodeScalars.contains(where: \.properties.isBidiControl) else { return escaped }
        var out = ""
        for scalar in escaped.unicodeScalars {
            if scalar.properties.isBidiControl {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text from the file as quoted in a message: control characters escaped, and only the first
    /// 60 characters when it is long, so a 1 MB key (or a run of NULs, six characters each once
    /// escaped) in a mangled file makes a one-line message, not a megabyte of output.
    static func excerpt(_ text: some StringProtocol) -> String {
        let shown = printable(String(text))
        guard shown.utf8.count > 80 else { return shown }
        return shown.prefix(60) + "… (\(text.utf8.count) bytes)"
    }

    /// `file:line:column: canary 'x', step 'y': message`.
    public var description: String {
        var context: [String] = []
        if let canary { context.append("canary '\(canary)'") }
        if let step { context.append("step '\(step)'") }
        let prefix = context.isEmpty ? "" : context.joined(separator: ", ") + ": "
        return "\(concernsPathOnly ? location.file : location.description): \(prefix)\(message)"
    }
}

/// Every canary that loaded cleanly, and every problem found in the others.
public struct LoadResult: Sendable {
    public var canaries: [Canary]
    public var problems: [LoadProblem]
    /// What folder scans left out, one `path: reason` line each: not problems, but said.
    public var skipped: [String]
    /// What may still work where the canaries run (an environment variable unset here); the
    /// canaries load.
    public var warnings: [LoadProblem]
    public init(canaries: [Canary], problems: [LoadProblem], skipped: [String] = [], warnings: [LoadProblem] = []) {
        self.canaries = canaries
        self.problems = problems
        self.skipped = skipped
        self.warnings = warnings
    }
}
