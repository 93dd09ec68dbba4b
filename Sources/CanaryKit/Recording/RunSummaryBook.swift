import Dispatch
import Foundation
import Locking

/// The writer's side of `RunSummaries`: `ResultsStore` folds each run it logs into summaries
/// held in memory and saves them at `close` (and at most once a minute while `canary schedule`
/// runs), so `canary report` reads summaries.bin and folds only the runs logged since.
///
/// Runs append concurrently and may reach the book out of log order (a canary's next run can be
/// logged while its previous record is still on its way here), so a line is folded only once
/// every line before it has been: the summaries always cover exactly the log up to `covered`. A
/// line at the start of a newer segment follows once the segment before is folded to its end
/// (it is no longer written) and any segment between is empty or gone.
/// The book keeps summaries only when it starts from summaries that cover the whole log (or a
/// tail of at most `foldLimit` bytes, folded at start); otherwise it leaves the fold to the next
/// report, which folds the older folder once and saves it.
final class RunSummaryBook: Sendable {
    private let directory: String
    private let state: Locked<State>
    private let saving = DispatchQueue(label: "canary.summaries.save", qos: .utility)

    private struct State {
        /// nil: not kept (see above).
        var summaries: RunSummaries?
        /// Where the folded prefix of the log ends, and the lines after a gap waiting for it (by place).
        var covered = LogPosition.start
        var beyond: [LogPosition: (record: RunRecord, line: [UInt8])] = [:]
        var lastSave = ContinuousClock.now
        var saveQueued = false
    }

    /// A tail longer than this at start (a crash, an older folder) is left to `canary report`.
    static let foldLimit = 8 << 20
    /// Lines waiting for an earlier one; more means a line was logged but never reached the book
    /// (an append that failed after writing), and the book stops keeping summaries.
    static let beyondLimit = 10_000
    static let saveInterval = Duration.seconds(60)

    /// Opened after the run log, whose newest segment then exists and ends in a whole line.
    init(directory: String) {
        self.directory = directory
        let files = ResultsLayout.runLogFiles(directory: directory)
        var summaries = RunSummaries.load(directory: directory) ?? RunSummaries()
        if RunSummaries.bytesAfter(summaries.logPosition, files: files, directory: directory) <= Self.foldLimit {
            _ = summaries.foldRunLog(directory: directory)
        }
        var state = State()
        let end = files.last.map { LogPosition(file: $0, offset: UInt64(LineReader.size(directory + "/" + $0))) } ?? .start
        if summaries.logPosition == end {
            state.summaries = summaries
            state.covered = end
        }
        self.state = Locked(state)
    }

    /// Folds a run whose log line (`line`, newline included) is at `place` in the run log.
    func fold(_ record: RunRecord, line: [UInt8], at place: StoredPlace) {
        let due = state.withLock { state -> Bool in
            let at = LogPosition(file: place.segment, offset: UInt64(place.offset))
            // Behind the fold: its segment was deleted before the line got here (passed over).
            guard state.summaries != nil, at >= state.covered else { return false }
            state.beyond[LogPosition(file: place.segment, offset: UInt64(place.offset))] = (record, line)
            while let (at, next) = nextLine(state) {
                state.beyond[at] = nil
                let end = LogPosition(file: at.file, offset: at.offset + UInt64(next.line.count))
                state.summaries?.fold(next.record, line: Array(next.line.dropLast()), end: end)
                state.covered = end
            }
            if state.beyond.count > Self.beyondLimit { state = State() }
            guard !state.saveQueued, ContinuousClock.now - state.lastSave >= Self.saveInterval else { return false }
            state.saveQueued = true
            return true
        }
        if due { saving.async { self.save() } }
    }

    /// The waiting line that comes next after `covered`: the one there, or the first line of a
    /// newer segment once every line before it is folded.
    private func nextLine(_ state: State) -> (LogPosition, (record: RunRecord, line: [UInt8]))? {
        if let next = state.beyond[state.covered] { return (state.covered, next) }
        guard let first = state.beyond.keys.filter({ $0.offset == 0 && $0.file > state.covered.file }).min(),
              let next = state.beyond[first] else { return nil }
        let covered = state.covered
        // The segment being left is no longer written: its size is final.
        if !covered.file.isEmpty, let size = Self.size(directory + "/" + covered.file), size != covered.offset { return nil }
        let between = ResultsLayout.runLogFiles(directory: directory).filter { $0 > covered.file && $0 < first.file }
        guard between.allSatisfy({ (Self.size(directory + "/" + $0) ?? 0) == 0 }) else { return nil }
        return (first, next)
    }

    /// nil: no such file (retention deleted it).
    private static func size(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_size) : nil
    }

    /// Saves the summaries (and the incidents logged since they were read); best effort: a
    /// summary not saved only means a longer fold for the next report.
    func save() {
        guard var snapshot = state.withLock({ state -> RunSummaries? in
            state.saveQueued = false
            state.lastSave = .now
            state.summaries?.logPosition = state.covered
            return state.summaries
        }) else { return }
        // Kept for the next save, which then reads only the events appended since: reading
        // events.jsonl from the summaries' start at every save was a quarter of the scheduler's
        // CPU between bursts (10,000 canaries, bench/soak.sh).
        if snapshot.foldEvents(directory: directory) {
            state.withLock { state in state.summaries?.incidents = snapshot.incidents }
        }
        try? snapshot.save(directory: directory)
    }

    /// Saves now, after any save in progress.
    func close() {
        saving.sync {}
        save()
    }
}
