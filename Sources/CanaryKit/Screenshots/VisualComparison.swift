import Foundation

/// A screenshot against its baseline, pixel by pixel: pure, no I/O.
public struct VisualComparison: Sendable {
    /// Changed pixels over compared pixels (ignored regions are not compared), 0...1.
    public let difference: Double
    public let changedPixels: Int
    public let comparedPixels: Int
    /// The baseline faded to grey, changed pixels in red, ignored regions in blue.
    public let diff: PNGImage

    /// A pixel counts as changed when one of its channels moved by more than this: anti-aliasing
    /// of the same text by the same browser doesn't, a changed word does.
    static let tolerance = 24

    /// Compares over the larger of the two sizes: pixels only one image has count as changed.
    public init(baseline: PNGImage, current: PNGImage, ignore: [VisualExpectation.Region]) {
        let width = max(baseline.width, current.width), height = max(baseline.height, current.height)
        var out = [UInt8](repeating: 255, count: width * height * 4)
        var changed = 0, compared = 0
        let tolerance = Self.tolerance
        for y in 0..<height {
            let regions = ignore.filter { y >= $0.y && y < $0.y + $0.height }
            for x in 0..<width {
                let target = (y * width + x) * 4
                if !regions.isEmpty, regions.contains(where: { x >= $0.x && x < $0.x + $0.width }) {
                    (out[target], out[target + 1], out[target + 2]) = (120, 160, 255)
                    continue
                }
                compared += 1
                var same = x < baseline.width && y < baseline.height && x < current.width && y < current.height
                var grey = 0
                if same {
                    let old = (y * baseline.width + x) * 4, new = (y * current.width + x) * 4
                    for channel in 0..<4 where abs(Int(baseline.pixels[old + channel]) - Int(current.pixels[new + channel])) > tolerance {
                        same = false
                    }
                    grey = (Int(baseline.pixels[old]) * 3 + Int(baseline.pixels[old + 1]) * 6 + Int(baseline.pixels[old + 2])) / 30 + 170
                }
                if same {
                    // Unchanged: the baseline in a light grey, so the red stands out.
                    (out[target], out[target + 1], out[target + 2]) = (UInt8(grey), UInt8(grey), UInt8(grey))
                } else {
                    changed += 1
                    (out[target], out[target + 1], out[target + 2]) = (230, 0, 0)
                }
            }
        }
        changedPixels = changed
        comparedPixels = compared
        difference = compared == 0 ? 0 : Double(changed) / Double(compared)
        diff = PNGImage(width: width, height: height, pixels: out)
    }

    /// `2.41%`: the difference as people read it.
    public static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.2f%%", value)
    }
}

extension PNGImage {
    /// The image without the rows at its bottom that repeat its last row (the blank window below
    /// a short page), keeping at least `minimum` rows.
    func trimmingBottom(toAtLeast minimum: Int) -> PNGImage {
        let rowBytes = width * 4
        guard height > minimum else { return self }
        // memcmp, not elementsEqual: a full-page render is thousands of rows of kilobytes, and the
        // generic comparison took over ten seconds a page in a debug build.
        let keep = pixels.withUnsafeBytes { bytes -> Int in
            guard let base = bytes.baseAddress else { return height }
            let last = base + (height - 1) * rowBytes
            var keep = height
            while keep > minimum, memcmp(base + (keep - 1) * rowBytes, last, rowBytes) == 0 { keep -= 1 }
            return keep
        }
        return PNGImage(width: width, height: keep, pixels: Array(pixels[0..<keep * rowBytes]))
    }
}
