/// How a step's HTML response is rendered: `screenshot: {width, height, fullPage}` on a step
/// or in `defaults`. A full-page shot is as tall as the page, at least `height`.
public struct ScreenshotSettings: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var fullPage: Bool

    public static let widths = 200...4096
    public static let heights = 200...4096

    public init(width: Int = 1280, height: Int = 900, fullPage: Bool = false) {
        self.width = width
        self.height = height
        self.fullPage = fullPage
    }
}

/// `expect.visual`: the step's screenshot against the canary's baseline. Fails when more than
/// `maxDiff` (a fraction, 0.02 for "2%") of the compared pixels changed; `ignore` regions are
/// left out of the comparison.
public struct VisualExpectation: Sendable, Equatable {
    public var maxDiff: Double
    public var ignore: [Region]

    public init(maxDiff: Double = 0.02, ignore: [Region] = []) {
        self.maxDiff = maxDiff
        self.ignore = ignore
    }

    /// A rectangle in screenshot pixels, from the top left corner.
    public struct Region: Sendable, Equatable {
        public var x: Int, y: Int, width: Int, height: Int
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }
}
