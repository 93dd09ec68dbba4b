import Foundation

/// How many canaries may run at once within the open-file limit. Every transfer is a socket,
/// and recording a run opens its files while the next runs go on, so `--jobs` past this budget
/// ends in EMFILE: connects that look refused and runs that are never written.
public struct DescriptorBudget: Sendable, Equatable {
    /// The soft RLIMIT_NOFILE (the engine raises it to the hard limit when it starts).
    public let openFileLimit: Int
    /// Descriptors already open, such as ones inherited from the parent process.
    public let alreadyOpen: Int

    /// Kept for the process itself: stdio, the engine's wake-up pipe, the results lock,
    /// runs.jsonl, state.json and metrics.prom, webhook and program sinks, a screenshot browser.
    public static let reserved = 64
    /// Per running canary: its connection plus a redirect to another host, and the run folder
    /// file and folder being written while it is recorded.
    public static let perJob = 4

    public init(openFileLimit: Int, alreadyOpen: Int = 0) {
        self.openFileLimit = openFileLimit
        self.alreadyOpen = alreadyOpen
    }

    /// The current soft limit of this process.
    public static func current() -> DescriptorBudget {
        var limit = rlimit()
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return DescriptorBudget(openFileLimit: 1024, alreadyOpen: open)
        }
        return DescriptorBudget(openFileLimit: Int(clamping: min(limit.rlim_cur, UInt(Int.max / 2))), alreadyOpen: open)
    }

    /// Canaries that can run at once; at least 1, however low the limit.
    public var maxJobs: Int {
        max(1, (openFileLimit - alreadyOpen - Self.reserved) / Self.perJob)
    }

    /// `jobs` lowered to the budget, with the one notice to print when it was.
    public func cap(jobs: Int) -> (jobs: Int, notice: String?) {
        guard jobs > maxJobs else { return (jobs, nil) }
        let inUse = alreadyOpen > 0 ? ", \(alreadyOpen) already open" : ""
        let notice = "--jobs \(jobs) lowered to \(maxJobs): the open-file limit is \(openFileLimit)\(inUse) "
            + "(\(Self.perJob) per running canary, \(Self.reserved) kept for recording and sinks); "
            + "raise the hard limit (ulimit -Hn, LimitNOFILE=) to run more at once"
        return (maxJobs, notice)
    }
}
