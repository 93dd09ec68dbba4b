import Foundation

/// The whole-run timeouts of the attempts in progress, watched by one thread of the process.
///
/// Each attempt used to race its steps against a child task sleeping for the timeout. A
/// cancelled `Task.sleep` resumes at once, but the dispatch timer behind it lives on until the
/// sleep would have ended: a task, a dispatch source and a continuation per attempt, alive for
/// the 60 s default. A 10,000-canary run that ends in 7 s held all 10,000 at its peak (5.5 MB,
/// heaptrack). Here an attempt adds its deadline and removes it when it ends: a few dozen bytes,
/// gone at once.
final class AttemptDeadlines: @unchecked Sendable {
    static let shared = AttemptDeadlines()

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `mutex`, as is everything below.
    private var actions: [UInt64: @Sendable () -> Void] = [:]
    /// (deadline in monotonic ns, id), a min-heap; ids no longer in `actions` were removed
    /// before their deadline and are dropped when they come up, or when they are most of it.
    private var heap: [(deadline: UInt64, id: UInt64)] = []
    private var nextID: UInt64 = 0
    private var started = false

    private init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    /// Calls `action` (on the watching thread: it must be quick, such as cancelling a task) once
    /// `timeout` has passed, unless `remove` is called with the returned id first.
    func add(after timeout: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let nanoseconds = timeout <= .zero ? 0 : UInt64(clamping: timeout.components.seconds) &* 1_000_000_000
            &+ UInt64(clamping: timeout.components.attoseconds / 1_000_000_000)
        let deadline = Self.now().addingReportingOverflow(nanoseconds)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if !started {
            started = true
            let thread = Thread { [self] in watch() }
            thread.name = "canary.deadlines"
            thread.stackSize = 64 << 10
            thread.start()
        }
        nextID += 1
        actions[nextID] = action
        push((deadline.overflow ? .max : deadline.partialValue, nextID))
        if heap[0].id == nextID { pthread_cond_signal(condition) }
        if heap.count > 2 * actions.count + 1024 { compact() }
        return nextID
    }

    /// The attempt ended: its action will not be called (it may be running now).
    func remove(_ id: UInt64) {
        pthread_mutex_lock(mutex)
        actions[id] = nil
        pthread_mutex_unlock(mutex)
    }

    private func watch() {
        pthread_mutex_lock(mutex)
        while true {
            while let top = heap.first, actions[top.id] == nil { pop() }
            guard let top = heap.first else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            let now = Self.now()
            if top.deadline > now {
                var until = timespec(tv_sec: Int(clamping: top.deadline / 1_000_000_000), tv_nsec: Int(top.deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
                continue
            }
            pop()
            let action = actions.removeValue(forKey: top.id)
            pthread_mutex_unlock(mutex)
            action?()
            pthread_mutex_lock(mutex)
        }
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    // The heap, under `mutex`.

    private func push(_ entry: (deadline: UInt64, id: UInt64)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Drops the removed ids (most attempts end long before their deadline).
    private func compact() {
        heap.removeAll { actions[$0.id] == nil }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
        pthread_cond_signal(condition)
    }
}
