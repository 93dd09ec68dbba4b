import Foundation

/// `summaries.bin`: the summaries in a compact binary form holding only what each canary has
/// (the hours that had runs, at most `chartRuns` chart points as integer microseconds, the last
/// failure whole and the other runs the page may show as places in the run log), with a
/// checksum. Replaced atomically; a file that doesn't read back whole (another version, a cut or
/// damaged file) is ignored and the summaries are folded again from the logs.
extension RunSummaries {
    static let magic = Array("canary-summaries 2\n".utf8)
    /// A larger file is not ours.
    static let maximumFileBytes = 1 << 30

    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes.append(contentsOf: Self.magic)
        let files = fileTable()
        out.count(files.count)
        for file in files { out.string(file) }
        let index = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($0.element, $0.offset) })
        out.position(logPosition, files: index)
        out.count(skipped)
        out.count(canaries.count)
        for summary in canaries.values.sorted(by: { $0.name < $1.name }) { summary.encode(into: &out, files: index) }
        out.count(incidents.position)
        out.count(incidents.total)
        out.count(incidents.recent.count)
        for incident in incidents.recent {
            out.string(incident.canary)
            out.string(incident.start)
            out.optionalString(incident.end)
            out.string(incident.reason)
            out.optionalString(incident.failure)
            out.string(incident.runId)
        }
        out.count(incidents.open.count)
        for canary in incidents.open.sorted() { out.string(canary) }
        out.fixed64(ByteWriter.checksum(out.bytes[...]))
        return out.bytes
    }

    /// The run log files the summaries name, sorted.
    private func fileTable() -> [String] {
        var files: Set<String> = [logPosition.file]
        for summary in canaries.values {
            files.insert(summary.through.file)
            for case .place(let place)? in [summary.lastFailed, summary.diffAfter, summary.diffBefore, summary.lastPassed] { files.insert(place.segment) }
        }
        return files.sorted()
    }

    /// nil unless `bytes` are a whole summaries file of this version.
    init?(encoded bytes: [UInt8]) {
        guard bytes.count >= Self.magic.count + 8, bytes.count <= Self.maximumFileBytes, bytes.starts(with: Self.magic) else { return nil }
        let body = bytes[..<(bytes.count - 8)]
        var trailer = ByteReader(bytes: bytes[body.endIndex...])
        guard trailer.fixed64() == ByteWriter.checksum(body) else { return nil }
        var input = ByteReader(bytes: body.dropFirst(Self.magic.count))
        guard let summaries = RunSummaries(reading: &input), input.isAtEnd else { return nil }
        self = summaries
    }

    private init?(reading input: inout ByteReader) {
        guard let fileCount = input.count() else { return nil }
        var files: [String] = []
        for _ in 0..<fileCount {
            guard let file = input.string(), file.isEmpty || ResultsLayout.isRunLogFile(file) else { return nil }
            files.append(file)
        }
        guard let position = input.position(files: files), let skipped = input.count(), let count = input.count() else { return nil }
        self.init()
        (logPosition, self.skipped) = (position, skipped)
        // Sized once: growing by doubling held the old table beside the new one (10,000 canaries:
        // 2.7 MB more at the last step). Bounded by the bytes left, for a damaged count.
        canaries.reserveCapacity(min(count, input.remaining))
        for _ in 0..<count {
            guard let summary = CanarySummary(from: &input, files: files), canaries[summary.name] == nil else { return nil }
            canaries[summary.name] = summary
        }
        guard let eventsPosition = input.count(), let total = input.count(), let recent = input.count() else { return nil }
        (incidents.position, incidents.total) = (eventsPosition, total)
        for _ in 0..<recent {
            guard let canary = input.string(), let start = input.string(), let end = input.optionalString(),
                  let reason = input.string(), let failure = input.optionalString(), let runId = input.string() else { return nil }
            incidents.recent.append(Incident(canary: canary, start: start, end: end, reason: reason, failure: failure, runId: runId))
        }
        guard incidents.recent.count <= IncidentFold.kept, let open = input.count() else { return nil }
        for _ in 0..<open {
            guard let canary = input.string() else { return nil }
            incidents.open.insert(canary)
        }
    }
}

extension CanarySummary {
    func encode(into out: inout ByteWriter, files: [String: Int]) {
        out.string(name)
        out.position(through, files: files)
        for value in [runs, passed, inconclusive] { out.count(value) }
        out.count((lastConclusivePassed.map { $0 ? 2 : 1 } ?? 0) | (last == nil ? 0 : 4))
        if let last {
            out.string(last.start)
            out.milliseconds(last.durationMs)
            out.signed(last.attempt)
            out.count([last.passed, last.inconclusive, last.degraded, last.flaky].enumerated().reduce(0) { $0 | ($1.element ? 1 << $1.offset : 0) })
            out.optionalString(last.error)
        }
        for line in [lastFailed, diffAfter, diffBefore, lastPassed] { out.storedLine(line, files: files) }
        out.count(hours.slots.count)
        let newest = hours.newest ?? 0
        out.signed(newest)
        for slot in hours.slots {
            out.count(newest - slot.hour)
            out.count(Int(slot.value))
        }
        let points = chart.ordered
        out.count(points.count)
        var previous = 0
        for point in points {
            // Each start as the step from the one before; the low bits: has a start, passed.
            let step = point.start.map { $0 - previous } ?? 0
            out.varint(ByteWriter.zigzag(step) &<< 2 | (point.start == nil ? 0 : 2) | (point.passed ? 1 : 0))
            previous = point.start ?? previous
            out.milliseconds(point.durationMs)
            for phase in point.phaseList { out.milliseconds(phase) }
        }
    }

    init?(from input: inout ByteReader, files: [String]) {
        guard let name = input.string(), let through = input.position(files: files), let runs = input.count(), let passed = input.count(),
              let inconclusive = input.count(), let flags = input.count(), flags < 8, flags & 3 != 3 else { return nil }
        self.init(name: name)
        (self.through, self.runs, self.passed, self.inconclusive) = (through, runs, passed, inconclusive)
        lastConclusivePassed = flags & 3 == 0 ? nil : flags & 3 == 2
        if flags & 4 != 0 {
            guard let start = input.string(), let duration = input.milliseconds(), let attempt = input.signed(), let bits = input.count(),
                  let error = input.optionalString() else { return nil }
            last = RunBrief(start: start, durationMs: duration, attempt: attempt, passed: bits & 1 != 0, inconclusive: bits & 2 != 0,
                            degraded: bits & 4 != 0, flaky: bits & 8 != 0, error: error)
        }
        var lines: [StoredLine?] = []
        for _ in 0..<4 {
            guard let line = input.storedLine(files: files) else { return nil }
            lines.append(line)
        }
        (lastFailed, diffAfter, diffBefore, lastPassed) = (lines[0], lines[1], lines[2], lines[3])
        guard let slots = input.count(), slots <= HourBuckets.span, let newest = input.signed() else { return nil }
        for _ in 0..<slots {
            guard let back = input.count(), back < HourBuckets.span, let value = input.count(), value <= Int(UInt32.max),
                  hours.slots.last.map({ $0.hour < newest - back }) ?? true else { return nil }
            hours.slots.append(HourBuckets.Slot(hour: newest - back, value: UInt32(value)))
        }
        guard hours.newest.map({ $0 == newest }) ?? true, let count = input.count(), count <= RunSummaries.chartRuns else { return nil }
        var previous = 0
        for _ in 0..<count {
            guard let head = input.varint(), let duration = input.milliseconds(), let a = input.milliseconds(), let b = input.milliseconds(),
                  let c = input.milliseconds(), let d = input.milliseconds(), let e = input.milliseconds() else { return nil }
            let (step, hasStart) = (ByteReader.unzigzag(head >> 2), head & 2 != 0)
            guard hasStart || step == 0 else { return nil }
            if hasStart { previous += step }
            chart.append(ChartPoint(start: hasStart ? previous : nil, durationMs: duration, passed: head & 1 != 0, phases: (a, b, c, d, e)))
        }
    }
}

extension ByteWriter {
    mutating func position(_ position: LogPosition, files: [String: Int]) {
        count(files[position.file] ?? 0)
        count(Int(clamping: position.offset))
    }

    /// Milliseconds to the microsecond as an integer (the low bit clear), anything else as its bits.
    mutating func milliseconds(_ value: Double) {
        let micros = (value * 1000).rounded()
        if abs(value) < 1e12, micros / 1000 == value {
            varint(Self.zigzag(Int(micros)) << 1)
        } else {
            varint(1)
            fixed64(value.bitPattern)
        }
    }

    /// 0: none; 1: the line; 2: a place in the run log.
    mutating func storedLine(_ line: StoredLine?, files: [String: Int]) {
        if case .place(let place)? = line, let file = files[place.segment] {
            count(2)
            for value in [file, place.offset, place.length] { count(value) }
        } else if let bytes = line?.bytes {
            count(1)
            optionalBytes(bytes)
        } else {
            count(0)
        }
    }
}

extension ByteReader {
    mutating func position(files: [String]) -> LogPosition? {
        guard let file = count(), file < files.count, let offset = count() else { return nil }
        return LogPosition(file: files[file], offset: UInt64(offset))
    }

    mutating func milliseconds() -> Double? {
        guard let head = varint() else { return nil }
        if head == 1 { return fixed64().map(Double.init(bitPattern:)) }
        guard head & 1 == 0 else { return nil }
        return Double(Self.unzigzag(head >> 1)) / 1000
    }

    /// .some(nil): none was written.
    mutating func storedLine(files: [String]) -> StoredLine?? {
        switch count() {
        case 0: return .some(nil)
        case 1:
            guard let bytes = optionalBytes(), let bytes else { return nil }
            return .some(.line(bytes))
        case 2:
            guard let file = count(), file < files.count, ResultsLayout.isRunLogFile(files[file]),
                  let offset = count(), let length = count() else { return nil }
            return .some(.place(StoredPlace(segment: files[file], offset: offset, length: length)))
        default: return nil
        }
    }
}
