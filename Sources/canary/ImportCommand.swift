import CanaryKit
import Foundation

/// `canary import curl|har|cloudwatch …`: a commented canary file from what people already have.
struct ImportCommand {
    enum Source {
        case curl([String])
        case har(String, filter: String?)
        case cloudwatch(String)
    }

    let source: Source
    /// nil: stdout.
    let output: String?

    static let usage = "give what to import: `canary import curl -- curl https://…`, `canary import curl 'curl …'`, `canary import har FILE.har [--filter REGEX]` or `canary import cloudwatch blueprint-config.json`"

    init(arguments: [String]) throws(UsageError) {
        var words: [String] = [], output: String?, filter: String?
        var remaining = arguments[...]
        var curlWords: [String]?
        while let word = remaining.popFirst() {
            switch word {
            case "--":
                curlWords = Array(remaining)
                remaining = []
            case "-o", "--output", "--filter":
                guard let value = remaining.popFirst() else { throw UsageError("import: \(word) needs a value") }
                if word == "--filter" { filter = value } else { output = value }
            default:
                if word.hasPrefix("-"), word != "-" {
                    throw UsageError("import: unknown option '\(word)'" + NameSuggestion.hint(for: word, among: ["--output", "--filter"])
                        + (words.first == "curl" ? "; put the curl command after --: `canary import curl -- curl …`" : ""))
                }
                words.append(word)
            }
        }
        guard let kind = words.first else { throw UsageError("import: " + Self.usage) }
        let rest = Array(words.dropFirst())
        switch kind {
        case "curl":
            if let curlWords, rest.isEmpty {
                source = .curl(curlWords)
            } else if curlWords == nil, rest.count == 1 {
                source = .curl(try Self.split(rest[0] == "-" ? Self.standardInput() : rest[0]))
            } else {
                throw UsageError("import curl: give the command after -- (`canary import curl -- curl -H 'A: b' https://…`), as one quoted word, or - to read it from stdin")
            }
            if filter != nil { throw UsageError("import curl: --filter is for import har") }
        case "har", "cloudwatch":
            guard rest.count == 1, curlWords == nil else { throw UsageError("import \(kind): give one file, e.g. `canary import \(kind) \(kind == "har" ? "session.har" : "blueprint-config.json")`") }
            if kind == "cloudwatch", filter != nil { throw UsageError("import cloudwatch: --filter is for import har") }
            source = kind == "har" ? .har(rest[0], filter: filter) : .cloudwatch(rest[0])
        default:
            throw UsageError("import: no source '\(kind)'" + NameSuggestion.hint(for: kind, among: ["curl", "har", "cloudwatch"]) + "; " + Self.usage)
        }
        self.output = output
    }

    func execute() throws -> Int32 {
        let canary: ImportedCanary, command: String
        do {
            switch source {
            case .curl(let words):
                (canary, command) = (try CurlImport.canary(words: words), "canary import curl")
            case .har(let file, let filter):
                let matches = try Self.matcher(filter)
                (canary, command) = (try HARImport.canary(bytes: try Self.read(file, limit: HARImport.maximumBytes), file: file, filter: matches), "canary import har")
            case .cloudwatch(let file):
                (canary, command) = (try CloudWatchImport.canary(bytes: try Self.read(file, limit: 1 << 20), file: file), "canary import cloudwatch")
            }
        } catch let error as ImportError {
            throw UsageError("import: \(error)")
        }
        let text = ImportWriter.file(canary, command: command, date: String(RunID.iso8601(Date()).prefix(10)))
        return try CanaryFileOutput.emit(text, to: output, command: "import")
    }

    static func split(_ line: String) throws(UsageError) -> [String] {
        do {
            return try ShellWords.split(line)
        } catch {
            throw UsageError("import curl: the command, \(error)")
        }
    }

    /// At most 1 MB: a curl command, not a file.
    static func standardInput() -> String {
        var bytes: [UInt8] = []
        while bytes.count <= 1 << 20, let chunk = try? FileHandle.standardInput.read(upToCount: 64 << 10), !chunk.isEmpty { bytes += chunk }
        return String(decoding: bytes.prefix(1 << 20), as: UTF8.self)
    }

    /// The file's bytes, reading at most one byte past `limit` (the importer says what is too big).
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw UsageError("import: \(path): " + (FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"))
        }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        while bytes.count <= limit, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { bytes += chunk }
        if bytes.count > limit {
            let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? bytes.count) >> 20
            throw UsageError("import: \(path): \(size) MB is more than the \(limit >> 20) MB import reads; save a HAR of fewer requests (devtools' filter), or without response content")
        }
        return bytes
    }

    static func matcher(_ pattern: String?) throws -> (String) -> Bool {
        guard let pattern else { return { _ in true } }
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            throw UsageError("import har: --filter '\(pattern)' is not a regular expression (ICU syntax: e.g. 'api\\.example\\.com/v1/')")
        }
        return { url in regex.firstMatch(in: url, range: NSRange(url.startIndex..., in: url)) != nil }
    }
}
