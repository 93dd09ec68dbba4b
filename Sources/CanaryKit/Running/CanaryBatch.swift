import Locking

/// The canaries of one batch, handed out once each in order and let go as they are handed out:
/// a canary run holds each canary only while it runs. Kept as a plain array, every loaded canary
/// (1.3 KB each, their steps and templates included) stayed to the end of the batch, when
/// memory peaks (13 MB at 10,000 canaries). They are held in chunks, so a chunk's own storage
/// goes too once its last canary is out.
public final class CanaryBatch: Sendable {
    /// How many canaries there were, and the `{{secret.X}}` names any of them reads.
    public let count: Int
    public let secretNames: Set<String>
    /// Chunks still to hand out, the next one last; the one being handed out, its next canary last.
    private let chunks: Locked<(waiting: [[Canary]], current: [Canary])>

    static let chunkSize = 1024

    /// Takes `canaries`: the caller lets go of its array (a copy it keeps holds them all).
    public init(_ canaries: [Canary]) {
        count = canaries.count
        secretNames = Set(canaries.lazy.flatMap(\.secretNames))
        // The last chunk first, each reversed: `next` pops from the ends.
        let waiting = stride(from: 0, to: canaries.count, by: Self.chunkSize).reversed().map { start in
            Array(canaries[start..<min(start + Self.chunkSize, canaries.count)].reversed())
        }
        chunks = Locked((waiting, []))
    }

    /// The next canary, nil once every one was handed out.
    public func next() -> Canary? {
        chunks.withLock { chunks in
            if chunks.current.isEmpty {
                guard let chunk = chunks.waiting.popLast() else { return nil }
                chunks.current = chunk
            }
            return chunks.current.popLast()
        }
    }
}
