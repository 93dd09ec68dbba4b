@testable import CanaryKit
import Foundation
import Testing

/// The scheduler's queue, on a simulated clock: when every `--jobs` slot is busy, due canaries
/// wait their turn (oldest due first), and a run that waited past its next due time is skipped
/// for a reason that is the scheduler's, never counted as missing data of the target.
@Suite("Schedule book: the queue for --jobs slots")
struct ScheduleQueueTests {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func canary(_ name: String, _ schedule: String) throws -> Canary {
        Canary(name: name, file: name + ".json", schedule: try Schedule.parse(schedule), steps: [])
    }

    /// Runs the book for `seconds` in 50 ms ticks, each run lasting `runSeconds[name]`.
    /// Returns the start times per canary and every note.
    private func simulate(
        _ book: inout ScheduleBook, seconds: Double, slots: Int, runSeconds: [String: Double]
    ) -> (starts: [String: [Double]], notes: [ScheduleBook.Note]) {
        var ends: [String: Double] = [:]
        var starts: [String: [Double]] = [:]
        var notes: [ScheduleBook.Note] = []
        var time = 0.0
        while time <= seconds {
            for (name, end) in ends where end <= time {
                book.finished(name, seconds: runSeconds[name] ?? 0)
                ends[name] = nil
            }
            let due = book.due(at: t0.addingTimeInterval(time), slots: slots - ends.count)
            notes += due.notes
            for canary in due.start {
                starts[canary.name, default: []].append(time)
                ends[canary.name] = time + (runSeconds[canary.name] ?? 0)
            }
            time = ((time + 0.05) * 1000).rounded() / 1000
        }
        return (starts, notes)
    }

    private func missedTwo(_ notes: [ScheduleBook.Note]) -> [String] {
        notes.compactMap { if case .missedTwo(let name) = $0 { name } else { nil } }
    }

    @Test("three canaries on rate(5 seconds), each 1 s of work, under one slot for 16 s: each runs in turn, none starved, no missed data")
    func threeSaturated() throws {
        var book = ScheduleBook()
        for name in ["h1", "h2", "h3"] { book.add(try canary(name, "rate(5 seconds)"), now: t0) }
        let (starts, notes) = simulate(&book, seconds: 16, slots: 1, runSeconds: ["h1": 1, "h2": 1, "h3": 1])
        for name in ["h1", "h2", "h3"] {
            #expect((3...4).contains(starts[name]?.count ?? 0), "\(name) started at \(starts[name] ?? [])")
        }
        #expect(missedTwo(notes).isEmpty)
        #expect(book.skippedTotals.isEmpty, "3 s of work per 5 s fits one slot: \(book.skippedTotals)")
    }

    @Test("oldest due first: under one slot, a canary that fell due earlier starts before one that fell due later, whatever their names")
    func oldestFirst() throws {
        var book = ScheduleBook()
        // Both due at once; "z" falls due 100 ms before "a" while "busy" holds the slot.
        book.add(try canary("busy", "rate(1 hour)"), now: t0)
        book.add(try canary("z", "rate(1 hour)"), now: t0)
        book.add(try canary("a", "rate(1 hour)"), now: t0)
        let dues = ["busy", "z", "a"].map { name in book.entriesDue(name) }
        let order = zip(["busy", "z", "a"], dues).sorted { $0.1 < $1.1 }.map(\.0)
        // Whatever the jitter put first holds the slot; the other two queue in due order.
        let last = try #require(dues.max())
        let first = book.due(at: last, slots: 1)
        #expect(first.start.map(\.name) == [order[0]])
        book.finished(order[0], seconds: 1)
        #expect(book.due(at: last.addingTimeInterval(1), slots: 1).start.map(\.name) == [order[1]])
        book.finished(order[1], seconds: 1)
        #expect(book.due(at: last.addingTimeInterval(2), slots: 1).start.map(\.name) == [order[2]])
    }

    @Test("a queued run that waits past its next due time is skipped for the queue, counted, logged with the wait, and is not missing data")
    func queueSkip() throws {
        var book = ScheduleBook()
        // hog falls due a minute before b, starts, and holds the one slot throughout.
        book.add(try canary("hog", "rate(1 hour)"), now: t0.addingTimeInterval(-100))
        book.add(try canary("b", "rate(2 seconds)"), now: t0)
        let start = book.entriesDue("b")
        #expect(book.due(at: start, slots: 1).start.map(\.name) == ["hog"])
        var notes: [ScheduleBook.Note] = []
        for tick in 1...200 { notes += book.due(at: start.addingTimeInterval(Double(tick) * 0.05), slots: 0).notes }
        let skips = notes.compactMap { if case .skipped(let name, let reason, let waited) = $0 { (name, reason, waited) } else { nil } }
        #expect(skips.count == 5, "\(notes)")
        #expect(skips.allSatisfy { $0.0 == "b" && $0.1 == .queue && $0.2 >= 1.99 && $0.2 <= 2.06 }, "\(skips)")
        #expect(book.skippedTotals[.queue] == skips.count)
        #expect(missedTwo(notes).isEmpty)
    }

    @Test("a run still going when the canary falls due again is skipped as still running, never as missing data (a hung target does not flap to INSUFFICIENT_DATA)")
    func hungIsNotMissing() throws {
        var book = ScheduleBook()
        book.add(try canary("hung", "rate(2 seconds)"), now: t0)
        // 6 s per run on rate(2 seconds), for a minute.
        let (starts, notes) = simulate(&book, seconds: 60, slots: 4, runSeconds: ["hung": 6])
        #expect((9...11).contains(starts["hung"]?.count ?? 0))
        #expect(missedTwo(notes).isEmpty, "\(notes.count) notes")
        #expect((book.skippedTotals[.running] ?? 0) >= 15)
    }

    @Test("2,000 canaries on rate(10 seconds), 50 ms runs, 32 slots (640 runs/s against 400/s in the first, spread round): none skipped, every gap between starts 10 s ± 1 s")
    func manyFit() throws {
        var book = ScheduleBook()
        var runs: [String: Double] = [:]
        for i in 0..<2000 {
            book.add(try canary("c\(i)", "rate(10 seconds)"), now: t0)
            runs["c\(i)"] = 0.05
        }
        let (starts, notes) = simulate(&book, seconds: 35, slots: 32, runSeconds: runs)
        #expect(missedTwo(notes).isEmpty)
        #expect(book.skippedTotals.isEmpty)
        let gaps = starts.values.flatMap { times in zip(times, times.dropFirst()).map { $1 - $0 } }
        #expect(!gaps.isEmpty && gaps.allSatisfy { abs($0 - 10) <= 1 }, "gaps from \(gaps.min() ?? 0) to \(gaps.max() ?? 0)")
    }

    @Test("the work the canaries need, from their measured run times: Σ duration / interval against --jobs")
    func neededSlots() throws {
        var book = ScheduleBook()
        for name in ["a", "b", "c"] { book.add(try canary(name, "rate(5 seconds)"), now: t0) }
        #expect(book.neededSlots == 0)
        for name in ["a", "b", "c"] { book.finished(name, seconds: 2.5) }
        #expect(abs(book.neededSlots - 1.5) < 0.001)
    }
}

extension ScheduleBook {
    /// The due time on the book for `name` (tests only).
    func entriesDue(_ name: String) -> Date { nextDue(of: name) ?? .distantFuture }
}

@Suite("canary validate: a timeout longer than the schedule")
struct ScheduleOverrunWarningTests {
    @Test("a run that can last longer than its schedule's interval (timeout × attempts) is a warning at the timeout; one that fits is not")
    func overrun() throws {
        let scratch = try ScratchDirectory()
        let long = try scratch.write("long.json", """
            {name: "long", schedule: "rate(2 seconds)",
             timeout: "6s", steps: [{request: {url: "http://x/"}}]}
            """)
        let retried = try scratch.write("retried.json", #"{name: "retried", schedule: "rate(1 minute)", timeout: "40s", retries: 1, steps: [{request: {url: "http://x/"}}]}"#)
        let fits = try scratch.write("fits.json", #"{name: "fits", schedule: "rate(1 minute)", timeout: "30s", steps: [{request: {url: "http://x/"}}]}"#)
        let unscheduled = try scratch.write("none.json", #"{name: "none", timeout: "10m", steps: [{request: {url: "http://x/"}}]}"#)
        let result = CanaryLoader.load(paths: [long, retried, fits, unscheduled], environment: [:])
        #expect(result.problems.isEmpty, "\(result.problems)")
        let warnings = result.warnings.filter { $0.message.contains("skipped") }
        #expect(warnings.map(\.canary) == ["long", "retried"], "\(result.warnings)")
        #expect(warnings.first?.location.line == 2)
        #expect(warnings.first?.message.contains("timeout 6s is longer than the 2s between runs of rate(2 seconds)") == true, "\(warnings)")
        #expect(warnings.last?.message.contains("timeout 40s × 2 attempts") == true, "\(warnings)")
    }
}
