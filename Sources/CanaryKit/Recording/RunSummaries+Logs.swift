import Foundation

/// Loading and saving `summaries.bin`, and folding what the logs gained since it was written.
extension RunSummaries {
    /// The saved summaries; nil when there are none or they don't read back whole.
    static func load(directory: String) -> RunSummaries? {
        let path = directory + "/" + ResultsLayout.summaries
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= maximumFileBytes else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var got = 0
        while got < bytes.count {
            let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(got)) }
            guard read > 0 else { return nil }
            got += read
        }
        return RunSummaries(encoded: bytes)
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

    /// Folds the run log's whole lines after `logPosition`, file by file in log order. Files
    /// before the position's are folded already (or deleted by retention: passed over). When the
    /// position's file is shorter than the position, or it is gone and no later file exists (a
    /// log replaced or cut), the summaries can't be trusted: they are folded anew from what exists.
    mutating func foldRunLog(directory: String) -> (changed: Bool, torn: Bool) {
        let files = ResultsLayout.runLogFiles(directory: directory)
        let refold = !Self.canContinue(from: logPosition, files: files, directory: directory)
        if refold { self = RunSummaries(keeping: incidents) }
        let decoder = JSONDecoder()
        let before = logPosition
        var folded = self
        var torn = false
        for file in files where file >= folded.logPosition.file {
            let from = file == folded.logPosition.file ? Int(folded.logPosition.offset) : 0
            // A line torn in an earlier file (a crash there) is never completed: count it.
            if torn { folded.skipped += 1 }
            let outcome = LineReader.forEachLine(path: directory + "/" + file, from: from) { line, end in
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { return }
                if let facts = RunFacts.read(line, decoder: decoder) {
                    folded.fold(facts, record: nil, line: line, end: LogPosition(file: file, offset: UInt64(end)))
                } else {
                    folded.skipped += 1
                }
            }
            folded.logPosition = LogPosition(file: file, offset: UInt64(outcome.end))
            torn = outcome.partialTail
        }
        self = folded
        return (refold || logPosition != before, torn)
    }

    /// Whether summaries folded up to `position` still describe the run log `files`.
    static func canContinue(from position: LogPosition, files: [String], directory: String) -> Bool {
        if position == .start { return true }
        if files.contains(position.file) { return LineReader.size(directory + "/" + position.file) >= Int(clamping: position.offset) }
        return files.contains { $0 > position.file }
    }

    /// The bytes of the run log after `position` (what `foldRunLog` would read).
    static func bytesAfter(_ position: LogPosition, files: [String], directory: String) -> Int {
        let position = canContinue(from: position, files: files, directory: directory) ? position : .start
        return files.filter { $0 >= position.file }.reduce(0) { sum, file in
            sum + max(0, LineReader.size(directory + "/" + file) - (file == position.file ? Int(clamping: position.offset) : 0))
        }
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
