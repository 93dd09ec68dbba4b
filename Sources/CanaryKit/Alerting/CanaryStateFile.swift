import Foundation

/// `<results>/state.json`: a JSON object from canary name to `CanaryState`, rewritten atomically
/// after each run batch, so alarms and counters carry over between cron invocations.
public enum StateFile {
    /// The file name inside the results folder.
    public static let fileName = "state.json"

    /// The saved states; empty when the file does not exist yet. A file that cannot be read or
    /// decoded throws a `StateFileError` to print; the caller may then start from empty states.
    public static func load(directory: String) throws(StateFileError) -> [String: CanaryState] {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        if let states = decodeByLine(path: path) { return states }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StateFileError(path: path, problem: "cannot be read (\((error as NSError).localizedDescription))")
        }
        do {
            return try JSONDecoder().decode([String: CanaryState].self, from: data)
        } catch {
            // Parsing again tells "not JSON at all" (a truncated or hand-mangled file) from "JSON
            // of the wrong shape" (a file from another tool or version). Only on failure: for
            // 10,000 canaries a second parse up front cost seconds.
            do {
                _ = try JSONSerialization.jsonObject(with: data)
            } catch {
                throw StateFileError(path: path, problem: "is not valid JSON (\(jsonProblem(error)))")
            }
            throw StateFileError(path: path, problem: "does not hold canary states (\(decodingProblem(error)))")
        }
    }

    /// The file as `save` writes it, one canary per line, read and decoded a line at a time:
    /// decoding 7 MB (10,000 canaries) in one piece took 25 MB more memory, and the file read whole
    /// was 7 MB of the peak of a `canary run` (the states load while the first canaries run). Each
    /// line's last record is kept as its JSON until asked for (see `StateLine`). nil for any other
    /// layout, any line that does not decode or a file that cannot be read: the whole-file
    /// decoder then reads it or explains what is wrong.
    private static func decodeByLine(path: String) -> [String: CanaryState]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let decoder = JSONDecoder()
        var states: [String: CanaryState] = [:]
        var opened = false, closed = false
        let whole = forEachLine(fd) { line -> Bool in
            // `{`, the members, `}`, and nothing after it.
            guard opened else {
                opened = line.elementsEqual("{".utf8)
                return opened
            }
            guard !closed else { return false }
            if line.elementsEqual("}".utf8) {
                closed = true
                return true
            }
            guard let member = StateLine(Array(line)), var state = try? decoder.decode(CanaryState.self, from: Data(member.state)) else {
                return false
            }
            if let last = member.last { state.lastRun = LastRun(json: last) }
            states[member.name] = state
            return true
        }
        return whole && closed ? states : nil
    }

    /// Hands `body` each line of `fd` (without its newline) while it returns true, reading 64 KB
    /// at a time. true when every line was handed on and the file ends with a newline.
    private static func forEachLine(_ fd: Int32, _ body: (ArraySlice<UInt8>) -> Bool) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { return false }
            if got == 0 { return pending.isEmpty }
            pending.append(contentsOf: chunk[..<got])
            var lineStart = pending.startIndex
            while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                guard body(pending[lineStart..<newline]) else { return false }
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart)
        }
    }

    /// Replaces the file with `states` by temp file + rename, so a crash leaves the old file or
    /// the new one and the next run never finds half a file. One canary per line, in name order:
    /// each is encoded on its own, so memory stays at one canary's worth however many there are.
    public static func save(_ states: [String: CanaryState], directory: String) throws(RecordingError) {
        let path = directory + "/" + fileName
        try save(directory: directory) { (emit: (ArraySlice<UInt8>) throws(RecordingError) -> Void) throws(RecordingError) in
            for name in states.keys.sorted() { try emit(try member(name, states[name], path: path)[...]) }
        }
    }

    /// One canary's line of the file (without the separator): `"name": {…}`.
    static func member(_ name: String, _ state: CanaryState?, path: String) throws(RecordingError) -> [UInt8] {
        do {
            guard let state else { return try RecordJSON.bytes(name) + ": null".utf8 }
            let stream = RecordJSON.Stream(pretty: false)
            stream.writer.writeString(name)
            stream.writer.append(": ")
            try RecordJSON.write(state, to: stream)
            stream.close(deeperThan: 0)
            return stream.writer.bytes
        } catch {
            throw RecordingError(action: "encode canary states for", path: path, reason: "\(error)")
        }
    }

    /// The file from its canaries' lines (`member`), which `members` hands to `emit` in name order.
    static func save(
        directory: String, members: (_ emit: (ArraySlice<UInt8>) throws(RecordingError) -> Void) throws(RecordingError) -> Void
    ) throws(RecordingError) {
        let path = directory + "/" + fileName
        try FileIO.makeDirectory(directory)
        try FileIO.writeAtomically(to: path) { (out: inout FileIO.ChunkedOutput) throws(RecordingError) in
            try out.append("{".utf8)
            var first = true
            try members { (member: ArraySlice<UInt8>) throws(RecordingError) in
                try out.append((first ? "\n" : ",\n").utf8)
                try out.append(member)
                first = false
            }
            try out.append("\n}\n".utf8)
        }
    }

    private static func jsonProblem(_ error: any Error) -> String {
        let info = (error as NSError).userInfo
        return (info[NSDebugDescriptionErrorKey] as? String) ?? (error as NSError).localizedDescription
    }

    private static func decodingProblem(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context),
            .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at \(path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// `state.json` exists but cannot be used; says which file and how to recover.
public struct StateFileError: Error, Sendable, CustomStringConvertible {
    /// The state file's path.
    public var path: String
    /// What is wrong, e.g. `is not valid JSON (Unexpected end of file)`.
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        "\(path) \(problem); move it aside to start fresh (alarm states and run counters restart)"
    }
}
