import CanaryKit
import Foundation

/// The run's screenshot settings from its options: which browser, which responses, how many
/// renders at once; and the console's side of them.
enum ScreenshotSetup {
    /// Without `--screenshots`, failing steps are rendered when a browser is found; when none is,
    /// one notice says so and evidence screenshots are off (visual checks still record why they
    /// could not run).
    static func pass(_ options: RunOptions, canaries: [Canary]) -> ScreenshotPass {
        let screenshotter = options.browser.map(Screenshotter.init(executable:)) ?? Screenshotter.find()
        let mode = options.screenshots ?? (screenshotter == nil ? .none : .failed)
        if screenshotter == nil, options.screenshots != ScreenshotMode.none {
            Console.error("note: no Chromium found, so \(options.screenshots == nil ? "failing steps get" : "this run gets") no screenshots; "
                + "install Debian's chromium, give --browser PATH, or --screenshots none to silence this")
        }
        return ScreenshotPass(
            mode: mode, screenshotter: screenshotter, results: options.results, canaries: canaries,
            jobs: options.screenshotJobs, timeout: options.screenshotTimeout)
    }

    /// A warning for every screenshot that was due and not written.
    static func warn(about record: RunRecord) {
        for step in record.steps {
            if let problem = step.screenshot?.error {
                Console.error("warning: screenshot of \(record.canary) step \(step.name): \(problem)")
            }
        }
    }
}
