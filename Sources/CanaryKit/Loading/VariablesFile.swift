import Foundation

/// `--vars-file FILE`: variables for every canary, as a JSON5 object (`{base: "https://…",
/// retries: 3}`; numbers and booleans taken as their text) or as `NAME=value` lines (blank lines
/// and `#` comments skipped, the value taken as it is), like Hurl's `--variables-file`.
public enum VariablesFile {
    /// A problem in the file, with its place and the fix.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String, file: String) throws(Problem) -> [String: String] {
        let start = text.first { !$0.isWhitespace }
        return start == "{" ? try object(text, file: file) : try lines(text, file: file)
    }

    private static func object(_ text: String, file: String) throws(Problem) -> [String: String] {
        let value: JSONValue
        do throws(JSON5.SyntaxError) {
            value = try JSON5.parseJSON(Array(text.utf8))
        } catch {
            throw Problem(description: "\(file):\(error.line):\(error.column): \(error.message)")
        }
        guard case .object(let members) = value else { throw Problem(description: "\(file): expected an object of NAME: value") }
        var variables: [String: String] = [:]
        for (name, member) in members {
            try check(name, file: file, line: nil)
            switch member {
            case .string(let text): variables[name] = text
            case .number(let number): variables[name] = JSONWriter.text(of: number)
            case .bool(let flag): variables[name] = flag ? "true" : "false"
            default:
                throw Problem(description: "\(file): variable '\(name)' must be a string, number or boolean, like \(name): \"value\"")
            }
        }
        return variables
    }

    private static func lines(_ text: String, file: String) throws(Problem) -> [String: String] {
        var variables: [String: String] = [:]
        for entry in nameValueLines(text) {
            guard let name = entry.name else {
                throw Problem(description: "\(file):\(entry.line): expected NAME=value, got '\(LoadProblem.excerpt(entry.trimmed))'")
            }
            try check(name, file: file, line: entry.line)
            variables[name] = entry.value
        }
        return variables
    }

    /// One line of a `NAME=value` file: its 1-based number, the line trimmed, and the name
    /// (trimmed) and value (as it is) when it has an `=`.
    struct NameValueLine {
        var line: Int
        var trimmed: String
        var name: String?
        var value: String
    }

    /// The lines of a `NAME=value` file (`--vars-file`, `--secrets-file`) that say something:
    /// blank lines and `#` comments skipped, LF or CR LF line ends.
    static func nameValueLines(_ text: String) -> [NameValueLine] {
        PrintableText.lines(of: text).enumerated().compactMap { index, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
            guard let equals = line.firstIndex(of: "=") else { return NameValueLine(line: index + 1, trimmed: trimmed, name: nil, value: "") }
            return NameValueLine(
                line: index + 1, trimmed: trimmed, name: line[..<equals].trimmingCharacters(in: .whitespaces),
                value: String(line[line.index(after: equals)...]))
        }
    }

    private static func check(_ name: String, file: String, line: Int?) throws(Problem) {
        let valid = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } && name.first?.isNumber == false
        guard valid else {
            throw Problem(description: "\(file)\(line.map { ":\($0)" } ?? ""): '\(LoadProblem.excerpt(name))' is not a variable name (letters, digits, _ and -)")
        }
    }
}
