import Foundation

/// The Pushgateway's log lines over a process's life: with it down, a daemon pushing 20 canaries
/// every flush logged 52 warnings in 14 s. One line when it starts failing, none while it stays
/// down, one summary when pushes succeed again.
struct PushgatewayHealth: Sendable {
    private var outage: (since: ContinuousClock.Instant, failures: Int)?

    /// The lines to log after a flush whose `attempts` pushes gave `problems`.
    mutating func lines(after problems: [String], of attempts: Int, gateway: String) -> [String] {
        if let outage {
            guard problems.isEmpty, attempts > 0 else {
                self.outage?.failures += problems.count
                return []
            }
            self.outage = nil
            let length = Duration.seconds(Int((ContinuousClock.now - outage.since).components.seconds))
            return ["pushgateway \(gateway): pushing again after \(outage.failures) failed push\(outage.failures == 1 ? "" : "es") over \(length.humanText)"]
        }
        guard let first = problems.first else { return [] }
        outage = (ContinuousClock.now, problems.count)
        let more = problems.count > 1 ? " (\(problems.count) of \(attempts) pushes failed)" : ""
        return [first + more + "; no more warnings until it recovers"]
    }
}
