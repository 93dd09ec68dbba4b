import Foundation

/// Typed reads of located values: each reports "expected …, found …" and returns nil on a mismatch.
extension CanaryFileDecoder {
    /// An object with only `allowed` keys; unknown keys get a "did you mean" and are reported,
    /// repeated keys too. Returns the object even when some keys were wrong, so siblings still decode.
    func fields(_ value: LocatedJSON, in what: String, allowed: [String]) -> Fields? {
        guard let members = value.objectMembers else {
            report("expected an object for \(what), found \(value.foundDescription)", at: value.location)
            return nil
        }
        coverage?.note(members.map(\.key), in: what, allowed: allowed)
        var byKey: [String: LocatedJSON.Member] = [:]
        var keys: [String] = []
        for member in members {
            guard allowed.contains(member.key) else {
                let hint = NameSuggestion.closest(to: member.key, among: allowed).map { "; did you mean '\($0)'?" }
                    ?? " (allowed: \(allowed.joined(separator: ", ")))"
                report("unknown key '\(Self.excerpt(member.key))' in \(what)\(hint)", at: member.keyLocation)
                continue
            }
            guard byKey[member.key] == nil else {
                reportRepeated(member, first: byKey[member.key]?.keyLocation)
                continue
            }
            byKey[member.key] = member
            keys.append(member.key)
        }
        return Fields(location: value.location, keys: keys, members: byKey)
    }

    /// A map with free-form keys (headers, variables), without repeated keys.
    func map(_ value: LocatedJSON, in what: String) -> [LocatedJSON.Member]? {
        guard let members = value.objectMembers else {
            report("expected an object for \(what), found \(value.foundDescription)", at: value.location)
            return nil
        }
        var seen: [String: SourceLocation] = [:]
        return members.filter { member in
            if let first = seen[member.key] {
                reportRepeated(member, first: first)
                return false
            }
            seen[member.key] = member.keyLocation
            return true
        }
    }

    private func reportRepeated(_ member: LocatedJSON.Member, first: SourceLocation?) {
        let place = first.map { " (first at line \($0.line), column \($0.column))" } ?? ""
        report("key '\(Self.excerpt(member.key))' appears twice\(place); remove one", at: member.keyLocation)
    }

    func string(_ value: LocatedJSON, for what: String, like example: String? = nil) -> String? {
        if case .string(let text) = value.kind { return text }
        let like = example.map { " like \"\($0)\"" } ?? ""
        report("expected a string\(like) for \(what), found \(value.foundDescription)", at: value.location)
        return nil
    }

    /// A string, or a number or boolean turned into its text (variables, tags, query and form values).
    func text(_ value: LocatedJSON, for what: String) -> String? {
        switch value.kind {
        case .string(let text): return text
        case .number(let number): return JSONWriter.text(of: number)
        case .bool(let flag): return flag ? "true" : "false"
        default:
            report("expected a string for \(what), found \(value.foundDescription)", at: value.location)
            return nil
        }
    }

    func bool(_ value: LocatedJSON, for what: String) -> Bool? {
        if case .bool(let flag) = value.kind { return flag }
        report("expected true or false for \(what), found \(value.foundDescription)", at: value.location)
        return nil
    }

    func integer(_ value: LocatedJSON, for what: String, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let number) = value.kind, number == number.rounded(), abs(number) < 1e15 else {
            report("expected a whole number from \(range.lowerBound) to \(range.upperBound) for \(what), found \(value.foundDescription)", at: value.location)
            return nil
        }
        guard range.contains(Int(number)) else {
            report("\(what) must be from \(range.lowerBound) to \(range.upperBound), found \(JSONWriter.text(of: number))", at: value.location)
            return nil
        }
        return Int(number)
    }

    /// A duration string such as "5s", greater than zero.
    func positiveDuration(_ value: LocatedJSON, for what: String) -> Duration? {
        guard case .string(let text) = value.kind else {
            var message = "expected a duration string like \"5s\" for \(what), found \(value.foundDescription)"
            if case .number(let number) = value.kind {
                message += "; write the unit: \"\(JSONWriter.text(of: number))ms\" or \"\(JSONWriter.text(of: number))s\""
            }
            report(message, at: value.location)
            return nil
        }
        guard let duration = Duration(humanText: text) else {
            report("'\(Self.excerpt(text))' is not a duration for \(what); write a number and a unit: 250ms, 5s, 1.5s, 2m, 1h or 14d", at: value.location)
            return nil
        }
        guard duration > .zero else {
            report("\(what) must be greater than zero, found '\(text)'", at: value.location)
            return nil
        }
        return duration
    }

    /// A canary or step name: free text a person reads in the console, records, metric labels,
    /// JUnit and the report (files are named by its slug, `NameSlug`). Printable: no control or
    /// invisible direction characters, no leading or trailing space; at most
    /// `maximumNameLength` characters.
    func checkName(_ name: String, kind: String, at location: SourceLocation) {
        if let problem = Self.nameProblem(name) {
            report("\(kind) name '\(Self.excerpt(name))' \(problem)", at: location)
        }
    }

    /// Why `name` can't be a canary or step name, with the fix; nil when it can.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty; write a name such as \"get json\"" }
        if let scalar = name.unicodeScalars.first(where: isUnprintable) {
            return "holds \(scalarDescription(scalar)), which is not printable; write the name with visible characters only"
        }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            return "starts or ends with a space; remove it"
        }
        // Counting characters walks grapheme breaks; no more bytes than the limit is within it either way.
        if name.utf8.count > maximumNameLength, name.count > maximumNameLength || name.unicodeScalars.count > 2 * maximumNameLength {
            return "is \(name.count) characters long; at most \(maximumNameLength)"
        }
        return nil
    }

    /// Control characters, line and paragraph separators, unassigned code points and the
    /// invisible direction marks and overrides (which make a name read otherwise than it is).
    private static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        // Printable ASCII first, without Unicode's property tables: every name of every file passes here.
        if (0x20..<0x7F).contains(scalar.value) { return false }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse: return true
        default: return scalar.properties.isBidiControl
        }
    }

    /// `U+200F (a right-to-left mark or other direction control)`, `U+000A (a control character)`.
    private static func scalarDescription(_ scalar: Unicode.Scalar) -> String {
        let code = String(scalar.value, radix: 16, uppercase: true)
        let padded = "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code
        switch scalar.properties.generalCategory {
        case .control: return "\(padded) (a control character)"
        case .unassigned: return "\(padded) (an unassigned code point)"
        case .privateUse: return "\(padded) (a private-use character)"
        case .lineSeparator, .paragraphSeparator: return "\(padded) (a line break)"
        default: return "\(padded) (an invisible direction mark or override)"
        }
    }
}
