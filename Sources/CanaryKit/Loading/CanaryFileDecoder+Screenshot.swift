import Foundation

/// `screenshot: {width, height, fullPage}` (on a step or in `defaults`) and `expect.visual`.
extension CanaryFileDecoder {

    /// `base` with what `value` sets.
    func decodeScreenshot(_ value: LocatedJSON, base: ScreenshotSettings) -> ScreenshotSettings {
        var settings = base
        guard let fields = fields(value, in: "'screenshot'", allowed: Shapes.screenshot.keys) else { return settings }
        if let width = fields["width"].flatMap({ integer($0, for: "'screenshot' 'width'", in: ScreenshotSettings.widths) }) {
            settings.width = width
        }
        if let height = fields["height"].flatMap({ integer($0, for: "'screenshot' 'height'", in: ScreenshotSettings.heights) }) {
            settings.height = height
        }
        if let fullPage = fields["fullPage"].flatMap({ bool($0, for: "'screenshot' 'fullPage'") }) { settings.fullPage = fullPage }
        return settings
    }

    /// The `visual` member of a step's `expect` (its other members are assertions).
    func visualExpectation(_ expect: LocatedJSON) -> VisualExpectation? {
        guard let value = expect.objectMembers?.first(where: { $0.key == "visual" })?.value,
              let fields = fields(value, in: "expect 'visual'", allowed: Shapes.visual.keys)
        else { return nil }
        var visual = VisualExpectation()
        if let maxDiff = fields["maxDiff"] {
            guard let fraction = percentage(maxDiff) else { return nil }
            visual.maxDiff = fraction
        }
        if let ignore = fields["ignore"] {
            guard case .array(let items) = ignore.kind else {
                report("expected a list of regions [{\"x\": 0, \"y\": 0, \"width\": 200, \"height\": 40}] for expect 'visual' 'ignore', found \(ignore.foundDescription)", at: ignore.location)
                return nil
            }
            visual.ignore = items.compactMap(region)
        }
        return visual
    }

    /// "2%" as 0.02; a bare number is refused, since 2 and 0.02 both look plausible.
    private func percentage(_ value: LocatedJSON) -> Double? {
        if case .string(let text) = value.kind, text.hasSuffix("%"),
           let number = Double(text.dropLast().trimmingCharacters(in: .whitespaces)), (0...100).contains(number) {
            return number / 100
        }
        report("expected a percentage from \"0%\" to \"100%\" like \"2%\" for expect 'visual' 'maxDiff', found \(value.foundDescription)", at: value.location)
        return nil
    }

    private func region(_ value: LocatedJSON) -> VisualExpectation.Region? {
        guard let fields = fields(value, in: "an 'ignore' region", allowed: Shapes.region.keys) else { return nil }
        var numbers: [String: Int] = [:]
        for key in Shapes.region.keys {
            guard let member = fields[key] else {
                report("an 'ignore' region needs x, y, width and height (pixels); '\(key)' is missing", at: value.location)
                return nil
            }
            guard let number = integer(member, for: "the region's '\(key)'", in: 0...16384) else { return nil }
            numbers[key] = number
        }
        return VisualExpectation.Region(x: numbers["x"] ?? 0, y: numbers["y"] ?? 0, width: numbers["width"] ?? 0, height: numbers["height"] ?? 0)
    }
}
