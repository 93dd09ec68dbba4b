import Foundation

/// `canary rules`: Prometheus alerting rules over the series canary exports, for users who alert
/// in Prometheus and Alertmanager rather than on canary's events. Three kinds: a canary in ALARM
/// (in each location), a canary in ALARM in at least `alarm.locations.failing` locations (instead
/// of per location), and a canary whose last run is too old for its schedule (the runner stopped,
/// cron stopped calling, the machine is gone): the one failure canary cannot report itself.
public enum PrometheusRules {
    /// Seconds after its last run ended that `canary` counts as stale: two of its intervals (the
    /// longest gap for a cron schedule) plus the longest a run may take; nil without a schedule.
    public static func staleAfter(_ canary: Canary) -> Int? {
        guard let schedule = canary.schedule, let gap = longestGap(schedule) else { return nil }
        return Int((2 * gap + canary.worstCaseSeconds).rounded(.up))
    }

    /// The rules file (YAML, one group `canary`) for `canaries`; canaries without a schedule get
    /// no staleness rule, canaries that share a threshold or a quorum share one rule. `pending`
    /// (`--for`) is how long an ALARM must last before the alert fires.
    public static func render(_ canaries: [Canary], pending: Duration? = nil) -> String {
        let forLine = pending.map { "        for: \(Int(Double($0.components.seconds).rounded(.up)))s" }
        let quorums = Dictionary(grouping: canaries.compactMap { canary in canary.alarm.locationsFailing.map { ($0, canary.name) } }, by: \.0)
        let withQuorum = quorums.values.flatMap { $0.map(\.1) }
        let except = withQuorum.isEmpty ? "" : #",canary!~"\#(alternation(withQuorum))""#
        var lines = [
            "# Alerting rules for canary's metrics (canary rules). Check with: promtool check rules FILE",
            "groups:",
            "  - name: canary",
            "    rules:",
            "      - alert: CanaryAlarm",
            #"        expr: 'canary_alarm_state{state="ALARM"\#(except)} == 1'"#,
        ] + (forLine.map { [$0] } ?? []) + [
            "        labels:",
            "          severity: page",
            "        annotations:",
            "          summary: 'canary {{ $labels.canary }} is in ALARM'",
            "          description: 'see the canary''s last failed run in the results folder (canary report)'",
        ]
        for (failing, members) in quorums.sorted(by: { $0.key < $1.key }) {
            lines += [
                "      - alert: CanaryLocationsFailing",
                #"        expr: 'count by (canary) (canary_alarm_state{state="ALARM",canary=~"\#(alternation(members.map(\.1)))"} == 1) >= \#(failing)'"#,
            ] + (forLine.map { [$0] } ?? []) + [
                "        labels:",
                "          severity: page",
                "        annotations:",
                "          summary: 'canary {{ $labels.canary }} is in ALARM in {{ $value }} locations (quorum \(failing))'",
                "          description: 'at least \(failing) of the locations that run canary {{ $labels.canary }} are in ALARM; see each location''s results (canary report)'",
            ]
        }
        let byThreshold = Dictionary(grouping: canaries.compactMap { canary in staleAfter(canary).map { ($0, canary.name) } }, by: \.0)
        for (seconds, members) in byThreshold.sorted(by: { $0.key < $1.key }) {
            lines += [
                "      - alert: CanaryStale",
                #"        expr: 'time() - canary_last_run_timestamp_seconds{canary=~"\#(alternation(members.map(\.1)))"} > \#(seconds)'"#,
                "        labels:",
                "          severity: page",
                "        annotations:",
                "          summary: 'canary {{ $labels.canary }} has not run for 2 of its scheduled intervals'",
                "          description: 'no run of canary {{ $labels.canary }} has ended for more than \(seconds) seconds: the runner is stopped or stuck'",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A PromQL regex matching exactly `names` (letters, digits, `_`, `-` and `.`; the dot escaped).
    private static func alternation(_ names: [String]) -> String {
        names.sorted().map { $0.replacingOccurrences(of: ".", with: #"\\."#) }.joined(separator: "|")
    }

    /// A rate's interval, or the longest of a cron schedule's next 16 gaps (a weekday-only cron
    /// waits over a weekend).
    private static func longestGap(_ schedule: Schedule) -> Double? {
        if case .rate = schedule { return ScheduleBook.interval(schedule) }
        var gaps: [Double] = []
        guard var previous = schedule.nextFire(after: Date()) else { return nil }
        for _ in 0..<16 {
            guard let next = schedule.nextFire(after: previous) else { break }
            gaps.append(next.timeIntervalSince(previous))
            previous = next
        }
        return gaps.max()
    }
}
