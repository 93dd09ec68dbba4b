import Dispatch
import Foundation
import Synchronization

/// The writer's side of `RunSummaries`: `ResultsStore` folds each run it logs into summaries
/// held in memory and saves them at `close` (and at most once a minute while `canary schedule`
/// runs), so `canary report` reads summaries.bin and folds only the runs logged since.
///
/// The saved `logPosition` is where every line before it has been folded: lines finish out of
/// order (runs append concurrently), so it advances only over a contiguous prefix. Runs folded
/// past it are not folded twice by a reader (each canary knows the end of its last folded line).
/// The book keeps summaries only when it starts from summaries that cover the whole log (or a
/// tail of at most `foldLimit` bytes, folded at start); otherwise it leaves the fold to the next
/// report, which folds the older folder once and saves it.
final class RunSummaryBook: Sendable {
    private let directory: String
    private let state: Mutex<State>
    private let saving = DispatchQueue(label: "canary.summaries.save", qos: .utility)

    private struct State {
        /// nil: not kept (see above).
        var summaries: RunSummaries?
        /// Where the contiguous folded prefix of the log ends, and lines folded beyond it (start → end).
        var covered = 0
        var beyond: [Int: Int] = [:]
        var lastSave = ContinuousClock.now
        var saveQueued = false
    }

    /// A tail longer than this at start (a crash, an older folder) is left to `canary report`.
    static let foldLimit = 8 << 20
    /// Lines folded out of order waiting for an earlier one; more means a line was logged but
    /// never folded (an append that failed after writing), and the book stops keeping summaries.
    static let beyondLimit = 100_000
    static let saveInterval = Duration.seconds(60)

    init(directory: String) {
        self.directory = directory
        let size = LineReader.size(directory + "/" + ResultsLayout.runLog)
        var summaries = RunSummaries.load(directory: directory) ?? RunSummaries()
        if summaries.logPosition < size, size - summaries.logPosition <= Self.foldLimit {
            _ = summaries.foldRunLog(directory: directory)
        }
        var state = State()
        if summaries.logPosition == size {
            state.summaries = summaries
            state.covered = size
        }
        self.state = Mutex(state)
    }

    /// Folds a run whose log line (`line`, newline included) starts at `offset`.
    func fold(_ record: RunRecord, line: [UInt8], at offset: Int) {
        let due = state.withLock { state -> Bool in
            guard state.summaries != nil else { return false }
            state.summaries?.fold(record, line: line, end: offset + line.count)
            if offset == state.covered {
                state.covered = offset + line.count
                while let end = state.beyond.removeValue(forKey: state.covered) { state.covered = end }
            } else {
                state.beyond[offset] = offset + line.count
                if state.beyond.count > Self.beyondLimit { state = State() }
            }
            guard !state.saveQueued, ContinuousClock.now - state.lastSave >= Self.saveInterval else { return false }
            state.saveQueued = true
            return true
        }
        if due { saving.async { self.save() } }
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
        _ = snapshot.foldEvents(directory: directory)
        try? snapshot.save(directory: directory)
    }

    /// Saves now, after any save in progress.
    func close() {
        saving.sync {}
        save()
    }
}
