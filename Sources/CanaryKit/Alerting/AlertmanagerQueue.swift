import Foundation

/// The alerts a batch owes Alertmanager, and which `--alertmanager` URLs are down, so a sink
/// that stays down is one warning when it goes and one when it is back, not one per flush.
struct AlertmanagerQueue: Sendable {
    private(set) var pending: [AlertmanagerAlert] = []
    private var down: Set<String> = []
    /// Per canary: how long its firing alert lasts unless re-sent, and its `alarm.severity`.
    private var lifetimes: [String: Duration] = [:]
    private var severities: [String: String] = [:]

    mutating func configure(_ canaries: [Canary]) {
        for canary in canaries {
            lifetimes[canary.name] = AlertmanagerAlert.lifetime(of: canary)
            severities[canary.name] = canary.alarm.severity
        }
    }

    mutating func add(_ run: RunRecord, before: CanaryState, after: CanaryState, reportURL: String?, now: Date) {
        let alert = AlertmanagerAlert.forRun(
            run, before: before, after: after, severity: severities[run.canary] ?? AlarmRule().severity,
            lifetime: lifetimes[run.canary] ?? .seconds(300), reportURL: reportURL, now: now)
        if let alert { pending.append(alert) }
    }

    mutating func take() -> [AlertmanagerAlert] {
        defer { pending = [] }
        return pending
    }

    /// Warnings after a post of `count` alerts: a URL that starts failing, and one that recovers.
    mutating func lines(after results: [(url: String, problem: String?)], count: Int) -> [String] {
        results.compactMap { url, problem in
            let shown = "alertmanager \(URLMasking.masked(url))"
            if let problem {
                guard down.insert(url).inserted else { return nil }
                return "\(shown): \(count) alert\(count == 1 ? "" : "s") not taken (\(problem)); firing alerts are sent again with the next run"
            }
            guard down.remove(url) != nil else { return nil }
            return "\(shown): takes alerts again"
        }
    }
}
