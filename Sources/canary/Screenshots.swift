import CanaryKit
import Foundation

/// `--screenshots`: HTML responses rendered to `NN-<step>.png` beside their snapshots by headless
/// Chromium (JavaScript off, no network). Without Chromium the run says so once and goes on.
final class Screenshots: @unchecked Sendable {
    private let results: String
    private let screenshotter: Screenshotter?

    init(results: String) {
        self.results = results
        screenshotter = Screenshotter.find()
        if screenshotter == nil {
            Console.error("note: --screenshots needs Chromium (Debian package chromium); going on without screenshots")
        }
    }

    func capture(_ result: RunResult) async {
        guard let screenshotter else { return }
        let folder = results + "/" + result.record.canary + "/" + result.record.runId
        let redactor = Redactor(secrets: result.secrets)
        for exchange in result.exchanges {
            guard let response = exchange.response,
                  response.headers.value(named: "Content-Type")?.lowercased().contains("text/html") == true
            else { continue }
            let png = folder + "/" + Snapshot.baseName(index: exchange.index, step: exchange.step) + ".png"
            // The page is rendered from the redacted body: a secret echoed back must not reach the PNG.
            if let problem = await screenshotter.capture(html: redactor.redact(bytes: response.body), to: png) {
                Console.error("warning: screenshot of \(result.record.canary) step \(exchange.step): \(problem)")
            }
        }
    }
}
