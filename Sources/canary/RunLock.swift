import CanaryKit

/// Takes the results folder's lock for `canary run`. While another run holds it, says so once,
/// after a second: a cron run queued behind a slow one would otherwise look hung.
enum RunLock {
    /// nil when the folder is busy and `wait` is false.
    static func acquire(directory: String, wait: Bool) async throws -> ResultsLock? {
        if let lock = try ResultsLock(directory: directory, wait: false) { return lock }
        guard wait else { return nil }
        let clock = ContinuousClock()
        let started = clock.now
        var said = false
        while true {
            // Polled rather than a blocking flock: a blocked thread is one of this machine's few
            // concurrency threads, and 50 ms is nothing next to waiting for another run.
            try? await Task.sleep(for: .milliseconds(50))
            if let lock = try ResultsLock(directory: directory, wait: false) { return lock }
            if !said, clock.now - started >= .seconds(1) {
                Console.error("run: waiting for the results folder \(directory): another canary run holds its lock (--no-wait exits 3 instead)")
                said = true
            }
        }
    }
}
