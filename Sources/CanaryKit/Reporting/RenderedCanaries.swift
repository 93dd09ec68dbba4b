/// What `RunOutputs.finish` writes of each canary — its line of state.json and its sample lines
/// of metrics.prom, family by family — kept between the flushes of `canary schedule`, so a flush
/// renders only the canaries that changed since the one before and copies the others' bytes.
/// With 10,000 canaries on rate(1 minute), rendering both files whole every 10 s was 40% of the
/// scheduler's CPU (`bench/soak.sh`, perf). `canary run` finishes once and streams both files
/// instead of holding them (its peak memory is the target there).
///
/// The owner says what changed (`changed`, `changedAll`); `refresh` renders those again and
/// drops canaries that have neither a state nor a loaded file any more.
struct RenderedCanaries: Sendable {
    struct Entry: Sendable {
        /// The state.json line (empty when the canary has no state: loaded but never run), then
        /// its metrics.prom lines, family by family in `MetricFamily.allCases` order.
        var bytes: [UInt8]
        /// Where the state line ends, then where each family's lines end, in `bytes`.
        var ends: [Int32]

        var stateLine: ArraySlice<UInt8> { bytes[..<Int(ends[0])] }

        func lines(_ family: Int) -> ArraySlice<UInt8> { bytes[Int(ends[family])..<Int(ends[family + 1])] }
    }

    /// metrics.prom's sample lines family by family (`MetricFamily.allCases` order), each in name
    /// order, gathered in one pass over the canaries: a pass per family went back to memory for
    /// every canary 13 times, and those cache misses were most of the write.
    func metricsByFamily() -> [[UInt8]] {
        var families = [[UInt8]](repeating: [], count: MetricFamily.allCases.count)
        // Sized first: grown by doubling, the 12 MB of 10,000 canaries were copied about twice
        // more (the gathering was 6% of the scheduler's CPU in its first minute, when events flush every second).
        var sizes = [Int](repeating: 0, count: families.count)
        for entry in ordered {
            for family in sizes.indices { sizes[family] += Int(entry.ends[family + 1] - entry.ends[family]) }
        }
        for family in families.indices { families[family].reserveCapacity(sizes[family]) }
        for entry in ordered {
            for family in families.indices { families[family] += entry.lines(family) }
        }
        return families
    }

    /// By name.
    private var entries: [String: Entry] = [:]
    private var names: [String] = []
    /// The entries in name order, as the files list them.
    private(set) var ordered: [Entry] = []
    private var stale: Set<String> = []
    private var allStale = true

    /// `name`'s state, tags or loaded file changed (or it was removed).
    mutating func changed(_ name: String) {
        if !allStale { stale.insert(name) }
    }

    /// Everything is rendered again at the next refresh (the loaded canaries changed).
    mutating func changedAll() {
        allStale = true
        stale = []
    }

    /// Renders the canaries that changed: `render` gives a name's state line (nil: no state) and
    /// its metrics, or nil when the canary is gone from both the states and the loaded files.
    mutating func refresh(
        every allNames: () -> Set<String>, render: (String) throws(RecordingError) -> (state: [UInt8]?, metrics: CanaryMetrics)?
    ) throws(RecordingError) {
        let renew = allStale ? allNames() : stale
        var reordered = allStale
        if allStale { entries = [:] }
        for name in renew {
            guard let (state, metrics) = try render(name) else {
                if entries.removeValue(forKey: name) != nil { reordered = true }
                continue
            }
            var bytes = state ?? []
            var ends = [Int32(bytes.count)]
            ends.reserveCapacity(MetricFamily.allCases.count + 1)
            PrometheusText.appendAllLines(of: metrics, to: &bytes) { ends.append(Int32($0.count)) }
            if entries.updateValue(Entry(bytes: bytes, ends: ends), forKey: name) == nil { reordered = true }
        }
        (stale, allStale) = ([], false)
        if reordered { names = entries.keys.sorted() }
        if !renew.isEmpty { ordered = names.map { entries[$0]! } }
    }
}
