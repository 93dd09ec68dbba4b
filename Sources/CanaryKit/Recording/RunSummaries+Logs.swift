import Foundation

/// Loading and saving `summaries.bin`, and folding what the logs gained since it was written.
extension RunSummaries {
    /// The saved summaries; nil when there are none or they don't read back whole.
    static func load(directory: String) -> RunSummaries? {
        let fd = open(directory + "/" + ResultsLayout.summaries, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var input = ByteReader(fd: fd)
        return RunSummaries(reading: &input)
    }

    /// Replaces `summaries.bin` atomically: readers and a crash see the old file or the new one.
    func save(directory: String) throws(RecordingError) {
        try FileIO.writeAtomically(encoded(), to: directory + "/" + ResultsLayout.summaries, durable: false)
    }

    /// The folder's summaries now: the saved ones (if any) with the runs and alarm events logged
    /// after them folded in. `changed`: something was folded (worth saving). `tornTail`: the run
    /// log ends in a line without its newline (a crash mid-append, or one being written), which
    /// is not folded and is left for the next fold.
    public static func current(directory: String) -> (summaries: RunSummaries, changed: Bool, tornTail: Bool) {
        var summaries = load(directory: directory) ?? RunSummaries()
        let (runsChanged, torn) = summaries.foldRunLog(directory: directory)
        let eventsChanged = summaries.foldEvents(directory: directory)
        return (summaries, runsChanged || eventsChanged, torn)
    }

    private init(keeping incidents: IncidentFold) {
        self.init()
        self.incidents = incidents
    }

    /// Folds the run log's whole lines after `logPosition`.
    mutating func foldRunLog(directory: String) -> (changed: Bool, torn: Bool) {
        let path = directory + "/" + ResultsLayout.runLog
        // A log shorter than what was folded was replaced: fold it from the start.
        if LineReader.size(path) < logPosition { self = RunSummaries(keeping: incidents) }
        let decoder = JSONDecoder()
        let before = logPosition
        var folded = self
        let outcome = LineReader.forEachLine(path: path, from: logPosition) { line, end in
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { return }
            let bytes = Array(line)
            if let record = try? decoder.decode(RunRecord.self, from: Data(bytes)) {
                folded.fold(record, line: bytes, end: end)
            } else {
                folded.skipped += 1
            }
        }
        folded.logPosition = outcome.end
        self = folded
        return (outcome.end != before, outcome.partialTail)
    }

    /// Folds the alarm state changes of `events.jsonl` after the incidents' position; other
    /// events are passed over without decoding them.
    mutating func foldEvents(directory: String) -> Bool {
        let path = directory + "/events.jsonl"
        if LineReader.size(path) < incidents.position { incidents = IncidentFold() }
        let decoder = JSONDecoder()
        let marker = Array(AlarmEvent.stateChangeType.utf8)
        var fold = incidents
        let outcome = LineReader.forEachLine(path: path, from: fold.position) { line, _ in
            guard LineReader.contains(line, marker), let event = try? decoder.decode(AlarmEvent.self, from: Data(line)) else { return }
            fold.fold(event)
        }
        let changed = outcome.end != fold.position
        fold.position = outcome.end
        incidents = fold
        return changed
    }
}

/// Whole lines of an append-only file from an offset, read in 4 MB pieces: memory stays
/// bounded however long the file is.
enum LineReader {
    static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Calls `body` with each line (without its newline) and the offset just after its newline.
    /// Returns the offset after the last whole line, and whether bytes follow it without a newline.
    static func forEachLine(path: String, from start: Int, _ body: (ArraySlice<UInt8>, Int) -> Void) -> (end: Int, partialTail: Bool) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return (start, false) }
        defer { close(fd) }
        var pending: [UInt8] = []
        var base = start
        var chunk = [UInt8](repeating: 0, count: 1 << 22)
        while true {
            let got = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(base + pending.count)) }
            if got <= 0 { break }
            pending.append(contentsOf: chunk[0..<got])
            var lineStart = 0
            while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                body(pending[lineStart..<newline], base + newline + 1)
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart)
            base += lineStart
        }
        return (base, !pending.isEmpty)
    }

    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        haystack.firstRange(of: needle) != nil
    }
}
