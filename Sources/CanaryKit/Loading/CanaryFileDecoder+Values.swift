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

    /// A name used in file names and metric labels: `[A-Za-z0-9_.-]+`, short enough for a file
    /// name (255 bytes, less the step number, extension and temp-file suffix added when recording).
    func checkFileSafeName(_ name: String, kind: String, at location: SourceLocation) {
        let dotless = name.replacingOccurrences(of: ".", with: "_")
        if name == "." || name == ".." {
            report("\(kind) name '\(name)' means \(name == "." ? "the folder itself" : "the parent folder") in a path; choose another name (it is used in file names)", at: location)
        } else if !Template.isValidName(dotless) {
            report("\(kind) name '\(Self.excerpt(name))' may only use letters, digits, '_', '.' and '-' (it is used in file names)", at: location)
        } else if name.utf8.count > Self.maximumNameLength {
            report("\(kind) name '\(Self.excerpt(name))' is \(name.utf8.count) characters long; at most \(Self.maximumNameLength) (it is used in file names)", at: location)
        }
    }
}
