import Foundation

/// Passed and counted conclusive runs per UTC hour, for the last 30 days before the newest
/// hour seen: only the hours that had runs, oldest first, each `passed << 16 | counted`
/// (saturating at 65,535 runs an hour). A canary run once a day holds 30 of them, not 720.
struct HourBuckets: Sendable, Equatable {
    static let span = 30 * 24

    struct Slot: Sendable, Equatable {
        /// Hours since 1970.
        var hour: Int
        var value: UInt32
    }

    /// Ascending by hour, all within `span` hours of the last one.
    var slots: [Slot] = []

    /// Hours since 1970 of the newest hour seen; nil before the first run.
    var newest: Int? { slots.last?.hour }

    mutating func count(hour: Int, passed: Bool) {
        if let newest, hour <= newest - Self.span { return }
        if slots.isEmpty || hour > slots[slots.count - 1].hour {
            slots.append(Slot(hour: hour, value: 0))
            let oldest = hour - Self.span
            if let keep = slots.firstIndex(where: { $0.hour > oldest }), keep > 0 { slots.removeFirst(keep) }
        }
        var index = slots.count - 1
        while index > 0 && slots[index].hour > hour { index -= 1 }
        if slots[index].hour != hour {
            index += slots[index].hour < hour ? 1 : 0
            slots.insert(Slot(hour: hour, value: 0), at: index)
        }
        let value = slots[index].value
        var (good, all) = (value >> 16, value & 0xFFFF)
        guard all < 0xFFFF else { return }
        all += 1
        if passed { good += 1 }
        slots[index].value = good << 16 | all
    }

    /// The share of passed runs in hours `from...through`; nil without runs there.
    func share(from: Int, through: Int) -> Double? {
        var (good, all) = (0, 0)
        for slot in slots where slot.hour >= from && slot.hour <= through {
            good += Int(slot.value >> 16)
            all += Int(slot.value & 0xFFFF)
        }
        return all == 0 ? nil : Double(good) / Double(all)
    }
}

/// One run's bar in the latency chart.
struct ChartPoint: Sendable, Equatable {
    /// Seconds since 1970 of its start (`Int.min`: it did not parse; not an optional, which
    /// would add 8 bytes to each of a million points).
    private var startSeconds: Int
    var durationMs: Double
    /// dns, connect, tls, wait, transfer (see `LatencyChart.phaseTimes`).
    var phases: (Double, Double, Double, Double, Double)
    var passed: Bool

    var start: Int? { startSeconds == Int.min ? nil : startSeconds }

    init(start: Int?, durationMs: Double, passed: Bool, phases: (Double, Double, Double, Double, Double)) {
        (startSeconds, self.durationMs, self.passed, self.phases) = (start ?? Int.min, durationMs, passed, phases)
    }

    /// Times to the microsecond, as libcurl measures them (sums of the steps' phases carry
    /// rounding noise below that): so `summaries.bin` holds them as small integers, exactly.
    init(_ record: RunRecord, start: Double?) {
        self.init(RunFacts(record), start: start)
    }

    init(_ record: RunFacts, start: Double?) {
        let times = record.phases.map(Self.microseconds)
        self.init(start: start.map { Int($0.rounded(.down)) }, durationMs: Self.microseconds(record.durationMs), passed: record.passed,
                  phases: (times[0], times[1], times[2], times[3], times[4]))
    }

    /// `milliseconds` rounded to the microsecond (left as is when too large to round that way).
    static func microseconds(_ milliseconds: Double) -> Double {
        abs(milliseconds) < 1e12 ? (milliseconds * 1000).rounded() / 1000 : milliseconds
    }

    var phaseList: [Double] { [phases.0, phases.1, phases.2, phases.3, phases.4] }

    static func == (a: ChartPoint, b: ChartPoint) -> Bool {
        a.start == b.start && a.durationMs == b.durationMs && a.passed == b.passed && a.phaseList == b.phaseList
    }
}

/// The last `RunSummaries.chartRuns` points, oldest first, kept encoded (about 23 bytes a
/// point rather than a 64-byte `ChartPoint`): `canary schedule` holds one for every canary, and
/// at 10,000 canaries the points were 64 MB of its memory, growing for the first 100 minutes
/// as the rings filled. Decoded when a chart is drawn or the summaries are saved.
struct ChartRing: Sendable, Equatable {
    /// The points from `head` on, each as `encode` writes it; bytes before `head` are dropped
    /// points, cut off once they are half the buffer.
    private var bytes: [UInt8] = []
    private var head = 0
    private(set) var count = 0

    mutating func append(_ point: ChartPoint) {
        if count == RunSummaries.chartRuns {
            var reader = ByteReader(bytes: bytes[head...])
            _ = Self.decode(&reader)
            head = bytes.count - reader.remaining
            count -= 1
            if head > 1024 && head * 2 > bytes.count {
                bytes.removeFirst(head)
                head = 0
            }
        }
        var out = ByteWriter()
        swap(&out.bytes, &bytes)
        Self.encode(point, into: &out)
        swap(&out.bytes, &bytes)
        count += 1
    }

    var ordered: [ChartPoint] {
        var points: [ChartPoint] = []
        points.reserveCapacity(count)
        var reader = ByteReader(bytes: bytes[head...])
        while !reader.isAtEnd, let point = Self.decode(&reader) { points.append(point) }
        return points
    }

    static func == (a: ChartRing, b: ChartRing) -> Bool {
        a.count == b.count && a.bytes[a.head...] == b.bytes[b.head...]
    }

    /// The start (absolute; the low bits: has a start, passed), the duration, the five phases.
    private static func encode(_ point: ChartPoint, into out: inout ByteWriter) {
        out.varint(ByteWriter.zigzag(point.start ?? 0) &<< 2 | (point.start == nil ? 0 : 2) | (point.passed ? 1 : 0))
        out.milliseconds(point.durationMs)
        for phase in point.phaseList { out.milliseconds(phase) }
    }

    /// Only what `encode` wrote is read back, so it always reads.
    private static func decode(_ input: inout ByteReader) -> ChartPoint? {
        guard let head = input.varint(), let duration = input.milliseconds(), let a = input.milliseconds(), let b = input.milliseconds(),
              let c = input.milliseconds(), let d = input.milliseconds(), let e = input.milliseconds() else { return nil }
        let start = head & 2 != 0 ? ByteReader.unzigzag(head >> 2) : nil
        return ChartPoint(start: start, durationMs: duration, passed: head & 1 != 0, phases: (a, b, c, d, e))
    }
}

/// Times as record and event files write them (`2026-11-22T14:28:41.123Z`), without a date
/// formatter: a report reads one per run.
enum EpochTime {
    /// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SS[.fff…]Z`; nil for anything else.
    static func seconds(fromISO8601 text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes -> Double? in
            guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
                  bytes[bytes.count - 1] == 0x5A else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for index in from..<(from + count) {
                    let digit = Int(bytes[index]) - 0x30
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
            var fraction = 0.0
            if bytes.count > 20 {
                guard bytes[19] == 0x2E, bytes.count > 21, let digits = number(20, bytes.count - 21) else { return nil }
                fraction = Double(digits) / pow(10, Double(bytes.count - 21))
            } else if bytes[19] != 0x5A {
                return nil
            }
            let days = daysFromCivil(year: year, month: month, day: day)
            return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        }
    }

    /// Hours since 1970 of `seconds`, rounded down.
    static func hour(_ seconds: Double) -> Int {
        Int((seconds / 3600).rounded(.down))
    }

    /// `2026-11-22 14:28:41 UTC`, as `HTMLReport.displayTime` shows a record's start.
    static func display(_ seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60)) UTC"
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// The incident timeline folded from alarm state changes in log order (see `Incident.timeline`):
/// the newest `HTMLReport.maximumIncidents`, the canaries in ALARM now, and how many in all.
public struct IncidentFold: Sendable, Equatable {
    /// Bytes of `events.jsonl` folded.
    var position = 0
    var total = 0
    /// Oldest first.
    var recent: [Incident] = []
    /// Canaries whose incident is still open.
    var open: Set<String> = []

    static let kept = HTMLReport.maximumIncidents

    mutating func fold(_ event: AlarmEvent) {
        guard event.detailType == AlarmEvent.stateChangeType else { return }
        let canary = event.detail.canary
        if event.detail.state == .alarm, !open.contains(canary) {
            open.insert(canary)
            total += 1
            recent.append(Incident(canary: canary, start: event.time, end: nil, reason: event.detail.reason ?? "",
                                   failure: event.detail.failure, runId: event.detail.runId))
            if recent.count > Self.kept { recent.removeFirst(recent.count - Self.kept) }
        } else if event.detail.state != .alarm, open.remove(canary) != nil,
                  let index = recent.lastIndex(where: { $0.canary == canary && $0.end == nil }) {
            recent[index].end = event.time
        }
    }

    /// Newest first.
    var timeline: [Incident] { recent.reversed() }
}
