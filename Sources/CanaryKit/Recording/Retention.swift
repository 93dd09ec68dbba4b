import Foundation

/// `--retain DURATION` and `--max-bytes SIZE` over the exchange segments: which whole segments
/// to delete. A pure rule over names, ages and sizes, tested by tables; `ExchangeSegments`
/// applies it when it opens and whenever it begins a new segment, so it never lists more than
/// the segments' folder.
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
        var name: String
        /// Its last write.
        var modified: Date
        var bytes: Int
    }

    /// Names of the segments to delete, oldest first. `current` (being written) is never one of them.
    func expired(_ segments: [Segment], current: String?, now: Date) -> [String] {
        let byAge = segments.sorted { $0.name < $1.name }
        var doomed = Set<String>()
        if let retain {
            for segment in byAge where segment.name != current && now.timeIntervalSince(segment.modified) > retain {
                doomed.insert(segment.name)
            }
        }
        if let maxBytes {
            var total = byAge.filter { !doomed.contains($0.name) }.reduce(0) { $0 + $1.bytes }
            for segment in byAge where total > maxBytes && segment.name != current && !doomed.contains(segment.name) {
                doomed.insert(segment.name)
                total -= segment.bytes
            }
        }
        return byAge.map(\.name).filter(doomed.contains)
    }
}
