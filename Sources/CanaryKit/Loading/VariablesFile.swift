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
        for (index, line) in PrintableText.lines(of: text).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw Problem(description: "\(file):\(index + 1): expected NAME=value, got '\(LoadProblem.excerpt(String(trimmed)))'")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            try check(name, file: file, line: index + 1)
            variables[name] = String(line[line.index(after: equals)...])
        }
        return variables
    }

    private static func check(_ name: String, file: String, line: Int?) throws(Problem) {
        let valid = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } && name.first?.isNumber == false
        guard valid else {
            throw Problem(description: "\(file)\(line.map { ":\($0)" } ?? ""): '\(LoadProblem.excerpt(name))' is not a variable name (letters, digits, _ and -)")
        }
    }
}
