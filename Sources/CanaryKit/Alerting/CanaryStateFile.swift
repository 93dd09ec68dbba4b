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
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StateFileError(path: path, problem: "cannot be read (\((error as NSError).localizedDescription))")
        }
        if let states = decodeByLine(data) { return states }
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

    /// The file as `save` writes it, one canary per line, decoded a line at a time: decoding
    /// 7 MB (10,000 canaries) in one piece took 25 MB more memory. Each line's last record is
    /// kept as its JSON until asked for (see `StateLine`). nil for any other layout or any line
    /// that does not decode, which the whole-file decoder then reads or explains.
    private static func decodeByLine(_ data: Data) -> [String: CanaryState]? {
        // Read in place: a copy of the whole file (7 MB for 10,000 canaries) was on the peak.
        data.withUnsafeBytes { raw -> [String: CanaryState]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard lines.count >= 3, lines.first?.elementsEqual("{".utf8) == true, lines.last?.isEmpty == true,
                  lines[lines.count - 2].elementsEqual("}".utf8) else { return nil }
            let decoder = JSONDecoder()
            var states: [String: CanaryState] = [:]
            states.reserveCapacity(lines.count - 3)
            for line in lines.dropFirst().dropLast(2) {
                guard let member = StateLine(Array(line)), var state = try? decoder.decode(CanaryState.self, from: Data(member.state)) else {
                    return nil
                }
                if let last = member.last { state.lastRun = LastRun(json: last) }
                states[member.name] = state
            }
            return states
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
