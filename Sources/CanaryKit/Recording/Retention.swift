import Foundation

/// `--retain DURATION` and `--max-bytes SIZE` over the store's segments (`runs/` and
/// `exchanges/`, and the `runs.jsonl` of earlier versions): which whole segments to delete. A pure rule over names, ages and sizes, tested
/// by tables; `StoreSweep` applies it when the store opens and whenever a segment rolls, so it
/// never lists more than the two segment folders.
public struct Retention: Sendable, Equatable {
    /// Segments whose last write is older than this many seconds go; nil keeps them by age.
    public var retain: Double?
    /// While the segments hold more bytes than this, the oldest go; nil sets no bound.
    public var maxBytes: Int?

    public init(retain: Double? = 30 * 86_400, maxBytes: Int? = 1 << 30) {
        self.retain = retain
        self.maxBytes = maxBytes
    }

    /// One segment as retention sees it.
    struct Segment: Equatable {
        /// Its path in the results folder (`runs/<time>-<id>.jsonl`), or any name that ends in its begin time.
        var name: String
        /// Its last write.
        var modified: Date
        var bytes: Int

        /// Names sort by the time they were begun, whichever folder they are in; the
        /// `runs.jsonl` of earlier versions is older than every segment.
        var age: Substring { name == ResultsLayout.runLog ? "" : name.split(separator: "/").last ?? Substring(name) }
    }

    /// Names of the segments to delete, oldest first. Those in `current` (being written) never are.
    func expired(_ segments: [Segment], current: Set<String>, now: Date) -> [String] {
        let byAge = segments.sorted { ($0.age, $0.name) < ($1.age, $1.name) }
        var doomed = Set<String>()
        if let retain {
            for segment in byAge where !current.contains(segment.name) && now.timeIntervalSince(segment.modified) > retain {
                doomed.insert(segment.name)
            }
        }
        if let maxBytes {
            var total = byAge.filter { !doomed.contains($0.name) }.reduce(0) { $0 + $1.bytes }
            for segment in byAge where total > maxBytes && !current.contains(segment.name) && !doomed.contains(segment.name) {
                doomed.insert(segment.name)
                total -= segment.bytes
            }
        }
        return byAge.map(\.name).filter(doomed.contains)
    }
}
