@testable import CanaryKit
import Foundation
import Testing

@Suite("Schedule book: due times, overlap, missed runs")
struct ScheduleBookTests {
    private func canary(_ name: String, _ schedule: String) throws -> Canary {
        Canary(name: name, file: name + ".json", schedule: try Schedule.parse(schedule), steps: [])
    }

    @Test("a rate canary starts within half its interval, then every interval; runs due while the previous one still goes are skipped and counted, never missed data")
    func overlap() throws {
        var book = ScheduleBook()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        book.add(try canary("a", "rate(10 seconds)"), now: t0)
        let first = try #require(book.nextDue)
        #expect(first >= t0 && first < t0.addingTimeInterval(5))
        #expect(book.due(at: first, slots: 10).start.map(\.name) == ["a"])
        #expect(book.due(at: first.addingTimeInterval(10), slots: 10).notes == [.skipped(canary: "a", reason: .running, seconds: 10)])
        #expect(book.due(at: first.addingTimeInterval(20), slots: 10).notes == [.skipped(canary: "a", reason: .running, seconds: 20)])
        #expect(book.skippedTotals == [.running: 2])
        book.finished("a", seconds: 25)
        #expect(book.due(at: first.addingTimeInterval(30), slots: 10).start.map(\.name) == ["a"])
    }

    @Test("--jobs bounds how many start at once; the rest wait in the queue")
    func slots() throws {
        var book = ScheduleBook()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for name in ["a", "b", "c"] { book.add(try canary(name, "rate(1 minute)"), now: t0) }
        let due = book.due(at: t0.addingTimeInterval(60), slots: 2)
        #expect(due.start.count == 2)
        #expect(book.runningCount == 2)
        #expect(book.queuedCount == 1)
    }

    @Test("a process paused past two due times notes the missed runs when it wakes")
    func paused() throws {
        var book = ScheduleBook()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        book.add(try canary("a", "rate(10 seconds)"), now: t0)
        let first = try #require(book.nextDue)
        _ = book.due(at: first, slots: 1)
        book.finished("a", seconds: 1)
        let woke = book.due(at: first.addingTimeInterval(35), slots: 1)
        #expect(woke.start.map(\.name) == ["a"])
        #expect(woke.notes == [.missedTwo(canary: "a")])
    }
}
