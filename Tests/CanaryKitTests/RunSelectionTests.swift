@testable import CanaryKit
import Testing

/// Which run `canary show` prints and which two `canary diff` compares, and the exit-2 messages
/// when there is no such run: the CLI tests run a few of these against real runs.
@Suite("show and diff: picking runs")
struct RunSelectionTests {
    static func run(_ id: String, _ outcome: RunOutcome) -> StoredRun {
        StoredRun(canary: "checkout", runId: id, start: "", outcome: outcome, attempts: 1, error: nil)
    }

    static let runs = [
        run("20261122T140000Z-0001", .passed), run("20261122T140100Z-0002", .failed), run("20261122T140200Z-0003", .passed),
        run("20261122T140300Z-0004", .inconclusive), run("20261122T140400Z-0005", .failed), run("20261122T140500Z-0006", .cancelled),
    ]

    @Test("--last, --last-failed, --last-passed and --run by id or a unique prefix", arguments: [
        (RunSelection.Choice.last, "20261122T140500Z-0006"), (.lastFailed, "20261122T140400Z-0005"), (.lastPassed, "20261122T140200Z-0003"),
        (.id("20261122T140100Z-0002"), "20261122T140100Z-0002"), (.id("20261122T1401"), "20261122T140100Z-0002"),
    ])
    func pick(choice: RunSelection.Choice, expected: String) throws {
        #expect(try RunSelection.pick(choice, among: Self.runs, canary: "checkout").runId == expected)
    }

    @Test("an unknown or ambiguous run id, or no run of the outcome asked for, says what there is")
    func problems() {
        func problem(_ choice: RunSelection.Choice, _ runs: [StoredRun] = Self.runs) -> String {
            do {
                _ = try RunSelection.pick(choice, among: runs, canary: "checkout")
                return "picked"
            } catch {
                return error.description
            }
        }
        #expect(problem(.id("20261122T140100Z-0020")).hasPrefix("no run '20261122T140100Z-0020' of checkout; did you mean '20261122T140100Z-0002'?"))
        #expect(problem(.id("20261122T140100Z-0020")).hasSuffix("its latest runs: 20261122T140100Z-0002, 20261122T140200Z-0003, 20261122T140300Z-0004, 20261122T140400Z-0005, 20261122T140500Z-0006"))
        #expect(problem(.id("20261122T14")).contains("is ambiguous") && problem(.id("20261122T14")).contains("give more of the id"))
        #expect(problem(.id("")).hasPrefix("no run '' of checkout"))
        #expect(problem(.id("x\u{1B}[2J")) == "no run 'x\\u001B[2J' of checkout; its latest runs: 20261122T140100Z-0002, 20261122T140200Z-0003, 20261122T140300Z-0004, 20261122T140400Z-0005, 20261122T140500Z-0006")
        #expect(problem(.lastPassed, [Self.runs[1]]) == "no passed run of checkout among its 1 recorded runs")
        #expect(problem(.lastFailed, [Self.runs[0]]) == "no failed run of checkout among its 1 recorded runs")
    }

    @Test("an unknown canary gets a did-you-mean among the canaries there are; an empty folder says to run first")
    func unknownCanary() {
        #expect {
            try RunSelection.runs(of: "chekout", [], known: ["checkout", "search"], results: "r")
        } throws: { error in
            "\(error)" == "no canary 'chekout' in r; did you mean 'checkout'?; its canaries: checkout, search"
        }
        #expect {
            try RunSelection.runs(of: "checkout", [], known: [], results: "r")
        } throws: { error in
            "\(error)".hasPrefix("no runs recorded in r; run `canary run` first")
        }
    }

    @Test("diff's default pair: the latest failed run and the last passed one before it; inconclusive and cancelled runs are neither", arguments: [
        ([RunOutcome.passed, .failed, .passed, .inconclusive, .failed, .cancelled], 2, 4),
        ([.failed, .passed, .failed, .failed], 1, 3),
        ([.passed, .inconclusive, .failed], 0, 2),
    ])
    func defaultPair(outcomes: [RunOutcome], before: Int, after: Int) {
        #expect(RunSelection.defaultPair(outcomes).map { [$0.before, $0.after] } == [before, after])
    }

    @Test("no pair: no failed run, or none passed before the latest failure", arguments: [
        [RunOutcome.passed, .passed], [.failed, .passed], [.inconclusive, .failed], [],
    ])
    func noPair(outcomes: [RunOutcome]) {
        #expect(RunSelection.defaultPair(outcomes) == nil)
    }
}
