/// At most `limit` renders at once, waiters served in arrival order.
actor RenderSlots {
    private let limit: Int
    private var busy = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func run<T: Sendable>(_ work: @Sendable () async -> T) async -> T {
        if busy < limit {
            busy += 1
        } else {
            await withCheckedContinuation { waiters.append($0) }
        }
        let result = await work()
        if waiters.isEmpty {
            busy -= 1
        } else {
            // The slot passes straight to the next waiter.
            waiters.removeFirst().resume()
        }
        return result
    }
}
