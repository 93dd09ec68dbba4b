import Foundation

/// The scheduler's own series in metrics.prom (`canary schedule` only): how many runs it skipped
/// and why, and whether the canaries fit in `--jobs`. Not pushed to the Pushgateway, whose
/// groups are per canary.
public struct SchedulerMetrics: Sendable, Equatable {
    /// `--jobs`.
    public var jobs: Int
    /// Slots the canaries need on average: mean run time / interval, summed over canaries.
    public var neededSlots: Double
    /// Runs skipped since the scheduler started, by reason (`running`, `queue`).
    public var skipped: [ScheduleBook.SkipReason: Int]

    public init(jobs: Int, neededSlots: Double, skipped: [ScheduleBook.SkipReason: Int]) {
        self.jobs = jobs
        self.neededSlots = neededSlots
        self.skipped = skipped
    }

    /// The three families in the Prometheus text format; every reason has a sample, 0 included,
    /// so an alert rule on the rate of skipped runs has a series from the start.
    public var prometheusText: String {
        var text = """
            # HELP canary_scheduler_skipped_runs_total Scheduled runs not started, by reason: running (the canary's previous run was still going) or queue (every --jobs slot stayed busy until it fell due again).
            # TYPE canary_scheduler_skipped_runs_total counter

            """
        for reason in ScheduleBook.SkipReason.allCases {
            text += "canary_scheduler_skipped_runs_total{reason=\"\(reason.rawValue)\"} \(skipped[reason] ?? 0)\n"
        }
        text += """
            # HELP canary_scheduler_jobs Runs the scheduler starts at once at most (--jobs).
            # TYPE canary_scheduler_jobs gauge
            canary_scheduler_jobs \(jobs)
            # HELP canary_scheduler_needed_jobs Slots the canaries need on average (mean run time / interval, summed); above canary_scheduler_jobs, runs wait and some are skipped.
            # TYPE canary_scheduler_needed_jobs gauge
            canary_scheduler_needed_jobs \(PrometheusText.formatValue(neededSlots))

            """
        return text
    }
}
