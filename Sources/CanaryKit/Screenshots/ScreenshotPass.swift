import CurlEngine
import Foundation

/// Renders a finished run's HTML responses before it is recorded: the PNGs become artifacts of
/// the run folder, each due screenshot's outcome goes into its step's record (an error when none
/// was written, never silence), and `expect.visual` steps are compared with the canary's
/// baseline, failing the step when the page changed by more than allowed.
public struct ScreenshotPass: Sendable {
    public let mode: ScreenshotMode
    /// nil when no browser was found: due screenshots then record why there are none.
    let screenshotter: Screenshotter?
    let baselines: Baselines
    let timeout: Duration
    private let slots: RenderSlots
    /// Steps by canary and step name, for their screenshot settings and visual expectations: only
    /// steps that have either (any other step renders with the defaults), so that 10,000 plain
    /// canaries cost no 10,000 dictionaries (6 MB).
    private var steps: [String: [String: Step]]

    public init(
        mode: ScreenshotMode, screenshotter: Screenshotter?, results: String, canaries: [Canary],
        jobs: Int = 2, timeout: Duration = .seconds(30)
    ) {
        self.mode = mode
        self.screenshotter = screenshotter
        baselines = Baselines(results: results)
        self.timeout = timeout
        slots = RenderSlots(limit: jobs)
        steps = Self.index(canaries)
    }

    /// The same pass (and render slots) for the canaries after a reload.
    public func reloaded(_ canaries: [Canary]) -> ScreenshotPass {
        var pass = self
        pass.steps = Self.index(canaries)
        return pass
    }

    private static func index(_ canaries: [Canary]) -> [String: [String: Step]] {
        let special = { (step: Step) in step.visual != nil || step.screenshot != ScreenshotSettings() }
        return Dictionary(
            canaries.filter { $0.steps.contains(where: special) }.map { canary in
                (canary.name, Dictionary(canary.steps.filter(special).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }))
            },
            uniquingKeysWith: { first, _ in first })
    }

    /// Whether `result` has a screenshot due (so its recording waits for a browser).
    public func hasWork(_ result: RunResult) -> Bool {
        result.exchanges.contains { isDue($0, in: result) }
    }

    /// `result` with its screenshots taken and compared; its records and artifacts updated.
    public func process(_ result: RunResult) async -> RunResult {
        var result = result
        let redactor = Redactor(secrets: result.secrets)
        for exchange in result.exchanges where isDue(exchange, in: result) {
            guard let stepIndex = result.record.steps.firstIndex(where: { $0.name == exchange.step }),
                  let response = exchange.response
            else { continue }
            let step = steps[result.record.canary]?[exchange.step]
            let name = Snapshot.baseName(index: exchange.index, step: exchange.step)
            guard Self.isHTML(response) else {
                let type = response.headers.value(named: "Content-Type") ?? "none"
                result.record.steps[stepIndex].screenshot = ScreenshotRecord(error: "expect.visual needs an HTML response; the Content-Type was \(type)")
                continue
            }
            guard let screenshotter else {
                result.record.steps[stepIndex].screenshot = ScreenshotRecord(error: Self.noBrowser)
                continue
            }
            // The page is rendered from the redacted body: a secret echoed back must not reach the PNG.
            let html = redactor.redact(bytes: response.body)
            let settings = step?.screenshot ?? ScreenshotSettings()
            let timeout = self.timeout
            switch await slots.run({ await screenshotter.capture(html: html, settings: settings, timeout: timeout) }) {
            case .failure(let failure):
                result.record.steps[stepIndex].screenshot = ScreenshotRecord(error: failure.description)
            case .success(let shot):
                result.artifacts.append(Artifact(name: name + ".png", bytes: shot.png))
                result.record.steps[stepIndex].screenshot = ScreenshotRecord(file: name + ".png")
                if let visual = step?.visual {
                    compare(shot, name: name, visual: visual, stepIndex: stepIndex, in: &result)
                }
            }
        }
        return result
    }

    static let noBrowser = "no browser to render it: install Chromium (Debian package chromium) or give --browser PATH"

    private func isDue(_ exchange: Exchange, in result: RunResult) -> Bool {
        // A run stopped by SIGTERM ends at once: nothing is rendered for it.
        guard let response = exchange.response, result.record.cancelled != true else { return false }
        if steps[result.record.canary]?[exchange.step]?.visual != nil { return true }
        // The mode first: it settles most runs (passing ones, --screenshots none) without
        // reading the headers, which this check did twice per run.
        switch mode {
        case .all: break
        case .none: return false
        case .failed: guard result.record.steps.contains(where: { $0.name == exchange.step && $0.outcome == .failed }) else { return false }
        }
        // An empty body (httpbin's /status/500, most bare error statuses) would be a blank PNG:
        // no evidence, and a browser start for nothing.
        return !response.body.isEmpty && Self.isHTML(response)
    }

    static func isHTML(_ response: HTTPResponse) -> Bool {
        guard let type = response.headers.value(named: "Content-Type")?.lowercased() else { return false }
        return type.contains("text/html") || type.contains("application/xhtml+xml")
    }
}
