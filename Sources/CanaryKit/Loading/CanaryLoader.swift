import Dispatch
import Foundation
import Locking

/// Loads canary files: expands directories, parses JSON5, checks everything that can be checked
/// before a run, and reports every problem with its place.
public enum CanaryLoader {
    /// Loads every path: a directory stands for the `*.json` and `*.json5` files directly inside
    /// it (in name order; what else it holds is listed in `skipped`); a file is loaded whatever its
    /// extension. Collects every problem of every file; a file with any problem yields no canary.
    /// `definedVariables` are the `--var` names, `variables` the `--var`s with their values (a URL
    /// starting with one is checked with its value); with an `environment`, `{{env.X}}` and
    /// `{{secret.X}}` unset in it become warnings. Two files with one canary name: the first in
    /// load order keeps it, unless `nameHolders` (name → file, the scheduler's current canaries
    /// on a reload) says another file held it and that file still declares it or no longer loads
    /// (its last good version runs on); the other file is a problem naming both.
    public static func load(
        paths: [String], definedVariables: Set<String> = [], variables: [String: String] = [:], environment: [String: String]? = nil,
        nameHolders: [String: String] = [:]
    ) -> LoadResult {
        let context = Context(definedVariables: definedVariables, variables: variables, environment: environment)
        var result = LoadResult(canaries: [], problems: [])
        var skipped: [String] = []
        var loadedFiles: Set<String> = []
        // A file named twice (itself and through its directory) is loaded once.
        let workingDirectory = FileManager.default.currentDirectoryPath
        let files = expand(paths, problems: &result.problems, skipped: &skipped).filter {
            loadedFiles.insert(LocalPath.tidied($0, against: workingDirectory)).inserted
        }
        let results = loadConcurrently(files, context: context)
        var namesInUse = heldNames(nameHolders, files: files, results: results)
        var foldersInUse: [String: (name: String, place: SourceLocation)] = [:]
        for (file, loaded) in zip(files, results) {
            guard let (canaries, problems, warnings, place) = loaded else {
                result.problems.append(wholeFile(file, "can't read the file (permissions?)"))
                continue
            }
            result.problems += problems
            result.warnings += warnings
            for canary in canaries {
            if let first = namesInUse[canary.name], first.file != file {
                result.problems.append(LoadProblem(
                    location: place, canary: canary.name,
                    message: "the canary name '\(canary.name)' is already used by \(first); names must be unique (set a different \"name\")"))
                continue
            }
            let folder = ResultsLayout.canaryFolder(canary.name)
            if let (other, first) = foldersInUse[folder] {
                result.problems.append(LoadProblem(
                    location: place, canary: canary.name,
                    message: "the canary names '\(LoadProblem.excerpt(canary.name))' and '\(LoadProblem.excerpt(other))' (\(first)) get the same results folder '\(folder)'; rename one"))
                continue
            }
            namesInUse[canary.name] = place
            foldersInUse[folder] = (canary.name, place)
            result.canaries.append(canary)
            }
        }
        // `dependsOn` names canaries of other files: checked once all are loaded.
        let dependencyProblems = DependencyCheck.problems(result.canaries)
        let refused = Set(dependencyProblems.compactMap(\.canary))
        result.canaries.removeAll { refused.contains($0.name) }
        result.problems += dependencyProblems
        result.skipped = skipped
        return result
    }

    /// The names a reload leaves with the files that held them (where each is written): the holder
    /// still declares the name, or does not load and keeps its last good version. A holder that is
    /// gone or now declares another name gives its name up.
    private static func heldNames(_ holders: [String: String], files: [String], results: [FileResult?]) -> [String: SourceLocation] {
        guard !holders.isEmpty else { return [:] }
        let indexOf = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var held: [String: SourceLocation] = [:]
        for (name, file) in holders {
            guard let index = indexOf[file] else { continue }
            guard let (canaries, _, _, place) = results[index], !canaries.isEmpty else {
                held[name] = SourceLocation(file: file, line: 1, column: 1)
                continue
            }
            if canaries.contains(where: { $0.name == name }) { held[name] = place }
        }
        return held
    }

    /// What every file is loaded against.
    struct Context: Sendable {
        var definedVariables: Set<String>
        var variables: [String: String] = [:]
        var environment: [String: String]?
    }

    /// A file's canaries (one, or one per combination of its `matrix`; none when it has a problem).
    typealias FileResult = ([Canary], [LoadProblem], warnings: [LoadProblem], nameLocation: SourceLocation)

    /// Reads and parses files on every core (10,000 canaries took 0.6 s on one); nil for a file
    /// that can't be read. Results come back in the order of `files`.
    private static func loadConcurrently(_ files: [String], context: Context) -> [FileResult?] {
        let results = Locked<[FileResult?]>(Array(repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            guard let source = readWhole(files[index]) else { return }
            let loaded = loadFile(source: source, file: files[index], context: context)
            results.withLock { $0[index] = loaded }
        }
        return results.withLock { $0 }
    }

    /// The file's bytes, nil when it can't be opened or read. open and read, not
    /// `FileManager.contents(atPath:)` and a copy out of its Data: 8 µs a file instead of 35.
    private static func readWhole(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        var bytes = [UInt8](repeating: 0, count: fstat(fd, &info) == 0 ? max(Int(info.st_size), 0) + 1 : 4096)
        var count = 0
        while true {
            // One byte more than the size: a file that grew meanwhile is read to its end too.
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { return nil }
            if got == 0 { break }
            count += got
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Loads one canary from the bytes of a file (the first of a `matrix`). The canary is nil
    /// when there is any problem.
    public static func load(
        source: [UInt8], file: String, definedVariables: Set<String> = [], variables: [String: String] = [:]
    ) -> (Canary?, [LoadProblem]) {
        let (canaries, problems) = loadAll(source: source, file: file, definedVariables: definedVariables, variables: variables)
        return (canaries.first, problems)
    }

    /// Loads the canaries of a file: one, or one per combination of its `matrix`; none when
    /// there is any problem.
    public static func loadAll(
        source: [UInt8], file: String, definedVariables: Set<String> = [], variables: [String: String] = [:]
    ) -> ([Canary], [LoadProblem]) {
        let (canaries, problems, _, _) = loadFile(
            source: source, file: file, context: Context(definedVariables: definedVariables, variables: variables))
        return (canaries, problems)
    }

    /// `load(source:…)` plus its warnings and where the canary's name is written, for the
    /// duplicate-name message.
    private static func loadFile(source: [UInt8], file: String, context: Context) -> FileResult {
        let defaultName = Self.defaultName(of: file)
        let root: LocatedJSON
        do {
            root = try JSON5.parseLocated(source, file: file)
        } catch {
            let location = SourceLocation(file: file, line: error.line, column: error.column)
            return ([], [LoadProblem(location: location, message: error.message)], [], location)
        }
        return decodeFile(root, file: file, defaultName: defaultName, context: context)
    }

    /// The file name without its directory and `.json` or `.json5`.
    static func defaultName(of file: String) -> String {
        let base = LocalPath.lastComponent(of: file)
        for suffix in canaryExtensions where base.hasSuffix(suffix) && base.count > suffix.count {
            return String(base.dropLast(suffix.count))
        }
        return base
    }

    /// What a folder scan reads.
    static let canaryExtensions = [".json", ".json5"]

    /// Directories become their `*.json` and `*.json5` files (not recursive, in name order); missing
    /// paths are problems, and so are FIFOs, sockets and devices (reading a FIFO would wait
    /// forever); subfolders and other files are listed in `skipped` (hidden ones are not).
    private static func expand(_ paths: [String], problems: inout [LoadProblem], skipped: inout [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            switch FileKind(path) {
            case .missing:
                problems.append(wholeFile(path, "no such file or directory; check the path"))
            case .other(let kind):
                problems.append(wholeFile(path, "this is a \(kind), not a canary file; name a *.json file or a folder of them"))
            case .file:
                files.append(path)
            case .folder:
                files += scan(path, problems: &problems, skipped: &skipped)
            }
        }
        return files
    }

    /// A folder's canary files; a FIFO or socket named like one is skipped, never read.
    private static func scan(_ path: String, problems: inout [LoadProblem], skipped: inout [String]) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            problems.append(wholeFile(path, "can't list the directory (permissions?)"))
            return []
        }
        var canaryFiles: [String] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !name.hasPrefix(".") {
            let file = LocalPath.join(path, name)
            switch FileKind(file) {
            case .missing:
                continue
            case .folder:
                skipped.append("\(file): a folder (folders are not searched; name it to load its files)")
            case .other(let kind):
                skipped.append("\(file): a \(kind), not a canary file")
            case .file where canaryExtensions.contains(where: { name.hasSuffix($0) }):
                canaryFiles.append(file)
            case .file:
                skipped.append("\(file): not a canary file (only *.json and *.json5 are read)")
            }
        }
        if canaryFiles.isEmpty { problems.append(wholeFile(path, "the directory holds no *.json or *.json5 canary files")) }
        return canaryFiles
    }

    /// A problem with the path itself (its location stays 1:1 for tools that need one).
    private static func wholeFile(_ path: String, _ message: String) -> LoadProblem {
        var problem = LoadProblem(location: SourceLocation(file: path, line: 1, column: 1), message: message)
        problem.concernsPathOnly = true
        return problem
    }
}

/// What a path names, following symlinks.
enum FileKind: Equatable {
    case missing, file, folder
    /// A FIFO, socket or device, by name.
    case other(String)

    init(_ path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            self = .missing
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: self = .file
        case S_IFDIR: self = .folder
        case S_IFIFO: self = .other("FIFO (named pipe)")
        case S_IFSOCK: self = .other("socket")
        default: self = .other("device")
        }
    }
}
