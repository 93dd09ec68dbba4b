import Foundation

/// `summaries.bin`: the summaries in a compact binary form (10,000 canaries with 30 days of
/// hourly buckets and 100 chart points each are about 90 MB as JSON, 60 MB here, and read in a
/// fraction of the time). Replaced atomically; a file that doesn't read back whole (another
/// version, damage) is ignored and the summaries are folded again from the logs.
extension RunSummaries {
    static let magic = Array("canary-summaries 1\n".utf8)

    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes.append(contentsOf: Self.magic)
        out.int(logPosition)
        out.int(skipped)
        out.int(canaries.count)
        for summary in canaries.values.sorted(by: { $0.name < $1.name }) { summary.encode(into: &out) }
        out.int(incidents.position)
        out.int(incidents.total)
        out.int(incidents.recent.count)
        for incident in incidents.recent {
            out.string(incident.canary)
            out.string(incident.start)
            out.optionalString(incident.end)
            out.string(incident.reason)
            out.optionalString(incident.failure)
            out.string(incident.runId)
        }
        out.int(incidents.open.count)
        for canary in incidents.open.sorted() { out.string(canary) }
        return out.bytes
    }

    init?(encoded bytes: [UInt8]) {
        var input = ByteReader(bytes: bytes)
        self.init(reading: &input)
    }

    init?(reading input: inout ByteReader) {
        guard input.take(Self.magic.count).map(Array.init) == Self.magic,
              let position = input.int(), let skipped = input.int(), let count = input.int(), count >= 0 else { return nil }
        self.init()
        (logPosition, self.skipped) = (position, skipped)
        for _ in 0..<count {
            guard let summary = CanarySummary(from: &input) else { return nil }
            canaries[summary.name] = summary
        }
        guard let eventsPosition = input.int(), let total = input.int(), let recent = input.int(), recent >= 0 else { return nil }
        (incidents.position, incidents.total) = (eventsPosition, total)
        for _ in 0..<recent {
            guard let canary = input.string(), let start = input.string(), let end = input.optionalString(),
                  let reason = input.string(), let failure = input.optionalString(), let runId = input.string() else { return nil }
            incidents.recent.append(Incident(canary: canary, start: start, end: end, reason: reason, failure: failure, runId: runId))
        }
        guard let open = input.int(), open >= 0 else { return nil }
        for _ in 0..<open {
            guard let canary = input.string() else { return nil }
            incidents.open.insert(canary)
        }
        guard input.isAtEnd else { return nil }
    }
}

extension CanarySummary {
    func encode(into out: inout ByteWriter) {
        out.string(name)
        for value in [through, runs, passed, inconclusive] { out.int(value) }
        out.int(lastConclusivePassed.map { $0 ? 1 : 0 } ?? -1)
        out.int(last == nil ? 0 : 1)
        if let last {
            out.string(last.start)
            out.double(last.durationMs)
            out.int(last.attempt)
            out.int([last.passed, last.inconclusive, last.degraded, last.flaky].enumerated().reduce(0) { $0 | ($1.element ? 1 << $1.offset : 0) })
            out.optionalString(last.error)
        }
        for line in [lastFailed, diffAfter, diffBefore, lastPassed] { out.optionalBytes(line?.bytes) }
        out.int(hours.newest)
        out.int(hours.slots.count)
        for slot in hours.slots { out.uint32(slot) }
        let points = chart.ordered
        out.int(points.count)
        for point in points {
            out.int(point.start ?? Int.min)
            out.double(point.durationMs)
            out.int(point.passed ? 1 : 0)
            for phase in point.phaseList { out.double(phase) }
        }
    }

    init?(from input: inout ByteReader) {
        guard let name = input.string(), let through = input.int(), let runs = input.int(), let passed = input.int(),
              let inconclusive = input.int(), let conclusive = input.int(), let hasLast = input.int() else { return nil }
        self.init(name: name)
        (self.through, self.runs, self.passed, self.inconclusive) = (through, runs, passed, inconclusive)
        lastConclusivePassed = conclusive < 0 ? nil : conclusive == 1
        if hasLast == 1 {
            guard let start = input.string(), let duration = input.double(), let attempt = input.int(), let flags = input.int(),
                  let error = input.optionalString() else { return nil }
            last = RunBrief(start: start, durationMs: duration, attempt: attempt, passed: flags & 1 != 0, inconclusive: flags & 2 != 0,
                            degraded: flags & 4 != 0, flaky: flags & 8 != 0, error: error)
        }
        var lines: [StoredLine?] = []
        for _ in 0..<4 {
            guard let bytes = input.optionalBytes() else { return nil }
            lines.append(bytes.map(StoredLine.line))
        }
        (lastFailed, diffAfter, diffBefore, lastPassed) = (lines[0], lines[1], lines[2], lines[3])
        guard let newest = input.int(), let slots = input.int(), slots == 0 || slots == HourBuckets.span else { return nil }
        hours.newest = newest
        if slots > 0 {
            guard let values = input.uint32s(slots) else { return nil }
            hours.slots = values
        }
        guard let count = input.int(), (0...RunSummaries.chartRuns).contains(count) else { return nil }
        chart.points.reserveCapacity(count)
        for _ in 0..<count {
            guard let start = input.int(), let duration = input.double(), let passed = input.int(), let a = input.double(),
                  let b = input.double(), let c = input.double(), let d = input.double(), let e = input.double() else { return nil }
            chart.append(ChartPoint(start: start == Int.min ? nil : start, durationMs: duration, passed: passed == 1, phases: (a, b, c, d, e)))
        }
    }
}

/// Little-endian fixed-width numbers and length-prefixed strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func uint32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        optionalBytes(Array(value.utf8))
    }

    mutating func optionalString(_ value: String?) {
        optionalBytes(value.map { Array($0.utf8) })
    }

    /// -1 for nil.
    mutating func optionalBytes(_ value: [UInt8]?) {
        int(value?.count ?? -1)
        if let value { bytes.append(contentsOf: value) }
    }
}

/// Reads what `ByteWriter` wrote, from memory or from a file in 1 MB pieces (so the summaries
/// of a large fleet are never held twice); nil (never a trap) for anything short or out of range.
struct ByteReader {
    private var bytes: [UInt8]
    private var offset = 0
    private let fd: Int32?
    private var atEOF: Bool

    init(bytes: [UInt8]) {
        self.bytes = bytes
        fd = nil
        atEOF = true
    }

    /// Reads from `fd`, which the caller closes.
    init(fd: Int32) {
        bytes = []
        self.fd = fd
        atEOF = false
    }

    var isAtEnd: Bool {
        mutating get { !ensure(1) }
    }

    /// Whether `count` bytes are ready at `offset`, reading more when they aren't.
    private mutating func ensure(_ count: Int) -> Bool {
        while bytes.count - offset < count {
            guard !atEOF, let fd else { return false }
            if offset > 0 {
                bytes.removeFirst(offset)
                offset = 0
            }
            let want = 1 << 20
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: want))
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + start, want) }
            bytes.removeLast(want - max(got, 0))
            if got <= 0 { atEOF = true }
        }
        return true
    }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count < 1 << 30, ensure(count) else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// `count` little-endian UInt32s at once.
    mutating func uint32s(_ count: Int) -> [UInt32]? {
        guard let slice = take(count * 4) else { return nil }
        var values = [UInt32](repeating: 0, count: count)
        values.withUnsafeMutableBytes { $0.copyBytes(from: slice) }
        return values.map { UInt32(littleEndian: $0) }
    }

    private mutating func fixed<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard let slice = take(MemoryLayout<T>.size) else { return nil }
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: slice) }
        return T(littleEndian: value)
    }

    mutating func int() -> Int? { fixed(Int64.self).map(Int.init) }
    mutating func uint32() -> UInt32? { fixed(UInt32.self) }
    mutating func double() -> Double? { fixed(UInt64.self).map(Double.init(bitPattern:)) }

    mutating func string() -> String? {
        guard let bytes = optionalBytes(), let bytes else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// nil: short or out of range; .some(nil): a nil was written.
    mutating func optionalString() -> String?? {
        guard let bytes = optionalBytes() else { return nil }
        return .some(bytes.map { String(decoding: $0, as: UTF8.self) })
    }

    mutating func optionalBytes() -> [UInt8]?? {
        guard let count = int() else { return nil }
        if count == -1 { return .some(nil) }
        guard let slice = take(count) else { return nil }
        return .some(Array(slice))
    }
}
