/// `--screenshots failed|all|none`: which HTML responses are rendered as evidence. Steps with
/// `expect.visual` are rendered in every mode: a check the canary file asks for is not turned off
/// by an evidence setting.
public enum ScreenshotMode: String, Sendable, CaseIterable {
    /// Every HTML response of a failing step (the default when a browser is installed).
    case failed
    case all
    case none
}
