import Dispatch
import Foundation
import Synchronization

/// The writer's side of `RunSummaries`: `ResultsStore` folds each run it logs into summaries
/// held in memory and saves them at `close` (and at most once a minute while `canary schedule`
/// runs), so `canary report` reads summaries.bin and folds only the runs logged since.
///
/// Runs append concurrently and may reach the book out of log order (a canary's next run can be
/// logged while its previous record is still on its way here), so a line is folded only once
/// every line before it has been: the summaries always cover exactly the log up to `covered`.
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
        /// Where the folded prefix of the log ends, and the lines after a gap waiting for it (by offset).
        var covered = 0
        var beyond: [Int: (record: RunRecord, line: [UInt8])] = [:]
        var lastSave = ContinuousClock.now
        var saveQueued = false
    }

    /// A tail longer than this at start (a crash, an older folder) is left to `canary report`.
    static let foldLimit = 8 << 20
    /// Lines waiting for an earlier one; more means a line was logged but never reached the book
    /// (an append that failed after writing), and the book stops keeping summaries.
    static let beyondLimit = 10_000
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
            guard offset == state.covered else {
                state.beyond[offset] = (record, line)
                if state.beyond.count > Self.beyondLimit { state = State() }
                return false
            }
            var next: (record: RunRecord, line: [UInt8])? = (record, line)
            while let (record, line) = next {
                state.summaries?.fold(record, line: line, end: state.covered + line.count)
                state.covered += line.count
                next = state.beyond.removeValue(forKey: state.covered)
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
