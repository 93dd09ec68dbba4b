#if canImport(Glibc)
import Glibc
#endif

/// A value that threads share behind a lock: `withLock` is the only way to it, as with the
/// standard library's `Mutex`, whose API this copies.
///
/// Why not `Synchronization.Mutex`: on Linux its contended path hands the lock over in the kernel
/// (FUTEX_LOCK_PI / FUTEX_UNLOCK_PI from the uninstrumented libswiftSynchronization), so
/// ThreadSanitizer sees no happens-before edge between two holders and reports every access made
/// under the lock as a race. Two threads appending to an array inside `Mutex.withLock` reproduce
/// it; the sanitizer run of the test command kept finding the store's locks that way, one at a
/// time, as load changed which ones were contended. A pthread mutex is intercepted by the
/// sanitizer, so what it reports here is a real race.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: sending Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock.
    public func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
