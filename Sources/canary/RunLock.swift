import CanaryKit
import Foundation

/// Takes the results folder's lock for `canary run`. While another process holds it, says who
/// after a second (a cron run queued behind a slow one would otherwise look hung), and gives up
/// after `--lock-timeout`.
enum RunLock {
    /// `--lock-timeout`'s default: a `run` behind a long one waits that long, then exits 3.
    static let defaultTimeout: Duration = .seconds(300)

    /// nil when the folder was still busy after `timeout` (zero: `--no-wait`).
    static func acquire(directory: String, timeout: Duration) async throws -> ResultsLock? {
        if let lock = try ResultsLock(directory: directory, wait: false) { return lock }
        let clock = ContinuousClock()
        let started = clock.now
        var said = false
        while clock.now - started < timeout {
            // Polled rather than a blocking flock: a blocked thread is one of this machine's few
            // concurrency threads, and 50 ms is nothing next to waiting for another run.
            try? await Task.sleep(for: .milliseconds(50))
            if let lock = try ResultsLock(directory: directory, wait: false) { return lock }
            if !said, clock.now - started >= .seconds(1) {
                Console.error("run: waiting for the results folder \(directory): \(holder(of: directory)) holds its lock "
                    + "(--lock-timeout \(timeout.humanText), then exit 3; --no-wait exits 3 at once)")
                said = true
            }
        }
        return nil
    }

    /// `process 1234` when /proc/locks names the process holding the folder's lock, else
    /// `another canary process`.
    static func holder(of directory: String) -> String {
        var info = stat()
        guard stat(directory + "/.lock", &info) == 0, let locks = procLocks() else { return "another canary process" }
        // `1: FLOCK  ADVISORY  WRITE 1234 fe:00:1066818 0 EOF`; waiters are `1: -> FLOCK …`.
        for line in locks.split(separator: "\n") where !line.contains("->") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK",
                  fields[5].split(separator: ":").last == Substring(String(info.st_ino))
            else { continue }
            return "process \(fields[4])"
        }
        return "another canary process"
    }

    /// All of /proc/locks. Each read(2) of it returns at most one page (about 70 locks), and
    /// `String(contentsOfFile:)` stops after the first: with the other test shard's runs holding
    /// locks, the folder's lock was past that page and the holder went unnamed. Read to the end.
    private static func procLocks() -> String? {
        let fd = open("/proc/locks", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += buffer[..<count]
        }
    }
}
