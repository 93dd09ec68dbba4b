import CurlEngine
import Foundation

/// A stacked bar per run (oldest left): where the time went, phase by phase, summed over the
/// run's steps; a red tick under each failed run. Plain SVG, so it needs no script to draw.
struct LatencyChart {
    /// The phases bottom to top, with their colours.
    static let phases: [(name: String, color: String)] = [
        ("dns", "#4e79a7"), ("connect", "#f28e2b"), ("tls", "#b07aa1"), ("wait", "#59a14f"), ("transfer", "#e8c547"),
    ]
    static let failColor = "#cf222e"

    /// Oldest first; at most `RunSummaries.chartRuns`.
    let points: [ChartPoint]

    private let width = 1000.0, height = 220.0
    private let left = 64.0, right = 12.0, top = 12.0, bottom = 40.0

    init(points: [ChartPoint]) {
        self.points = points
    }

    /// For records at hand (tests): their points as a summary folds them.
    init(runs: [RunRecord]) {
        points = runs.map { ChartPoint($0, start: EpochTime.seconds(fromISO8601: $0.start)) }
    }

    /// Each phase's milliseconds for one run. `wait` is time to first byte after the
    /// connection was ready; it is clipped at 0 because libcurl's timestamps can overlap.
    static func phaseTimes(_ run: RunRecord) -> [Double] {
        phaseTimes(run.steps.lazy.map(\.timings))
    }

    /// The same over the steps' timings.
    static func phaseTimes(_ steps: some Sequence<Timings>) -> [Double] {
        var sums = [Double](repeating: 0, count: phases.count)
        for t in steps {
            let values = [t.dns, t.connect, t.tls, t.wait, t.transfer]
            for (index, value) in values.enumerated() where value.isFinite { sums[index] += max(0, value) }
        }
        return sums
    }

    /// Four times a round step (1, 1.5, 2 … 7.5 times a power of ten) reaching `value`, so the
    /// quarter gridlines get round labels and the tallest bar fills most of the height.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let quarter = value / 4
        let power = pow(10, floor(log10(quarter)))
        for step in [1.0, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5] where step * power >= quarter { return 4 * step * power }
        return 40 * power
    }

    /// The SVG, built as bytes with numbers written directly (no format strings): the page of
    /// a large fleet draws hundreds of these.
    func svg() -> String {
        guard !points.isEmpty else { return "" }
        let yMax = Self.niceCeiling(points.map { $0.phaseList.reduce(0, +) }.max() ?? 0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(points.count, 20))
        let barWidth = max(1, slot * 0.78)
        let failures = points.filter { !$0.passed }.count
        var out = SVGBytes()
        out += "<figure><svg class=\"chart\" viewBox=\"0 0 "
        out.number(width); out += " "; out.number(height)
        out += "\" role=\"img\" aria-label=\"latency by phase of the last \(points.count) runs\">\n"
        axis(&out, yMax: yMax, plotWidth: plotWidth, plotHeight: plotHeight)
        for (index, point) in points.enumerated() {
            let x = left + Double(index) * slot + (slot - barWidth) / 2
            out += "<g><title>"; out += tooltip(point); out += "</title>"
            var y = top + plotHeight
            for (phase, value) in point.phaseList.enumerated() where value > 0 {
                let h = value / yMax * plotHeight
                y -= h
                out.rect(x: x, y: y, width: barWidth, height: max(h, 0.5), fill: Self.phases[phase].color)
            }
            if !point.passed { out.rect(x: x, y: top + plotHeight + 3, width: max(barWidth, 3), height: 7, fill: Self.failColor) }
            out += "</g>\n"
        }
        xLabels(&out, plotWidth: plotWidth, plotHeight: plotHeight)
        out += "</svg>\n"; out += legend(failures: failures); out += "</figure>\n"
        return out.text
    }

    /// Gridlines and labels at quarters of the scale, and the unit.
    private func axis(_ out: inout SVGBytes, yMax: Double, plotWidth: Double, plotHeight: Double) {
        for quarter in 0...4 {
            let value = yMax * Double(quarter) / 4
            let y = top + plotHeight - Double(quarter) / 4 * plotHeight
            out += "<line x1=\""; out.number(left); out += "\" y1=\""; out.number(y); out += "\" x2=\""; out.number(left + plotWidth)
            out += "\" y2=\""; out.number(y); out += "\" stroke=\""; out += quarter == 0 ? "#8c959f" : "#eaeef2"; out += "\"/>"
            out += "<text x=\""; out.number(left - 6); out += "\" y=\""; out.number(y + 4)
            out += "\" text-anchor=\"end\">\(Self.axisNumber(value)) ms</text>\n"
        }
    }

    /// The oldest and newest run's start time at the two ends of the axis (not under their
    /// bars, where two labels could overlap when there are few runs).
    private func xLabels(_ out: inout SVGBytes, plotWidth: Double, plotHeight: Double) {
        guard let first = points.first, let last = points.last else { return }
        let y = top + plotHeight + 26
        out += "<text x=\""; out.number(left); out += "\" y=\""; out.number(y); out += "\">oldest: \(Self.time(first))</text>"
        if points.count > 1 {
            out += "<text x=\""; out.number(left + plotWidth); out += "\" y=\""; out.number(y)
            out += "\" text-anchor=\"end\">newest: \(Self.time(last))</text>"
        }
        out += "\n"
    }

    private static func time(_ point: ChartPoint) -> String {
        point.start.map(EpochTime.display) ?? "?"
    }

    private func legend(failures: Int) -> String {
        var out = "<figcaption class=\"legend\">Latency of the last \(points.count) run\(points.count == 1 ? "" : "s"), summed over steps: "
        for phase in Self.phases {
            out += "<span><i style=\"background:\(phase.color)\"></i>\(phase.name)</span>"
        }
        out += "<span><i style=\"background:\(Self.failColor)\"></i>failed run (\(failures))</span>"
        return out + "</figcaption>\n"
    }

    /// Hover text: the run, its outcome and each phase.
    private func tooltip(_ point: ChartPoint) -> String {
        var text = "\(Self.time(point)) \(point.passed ? "passed" : "failed") — total \(ConsoleReport.formatMilliseconds(point.durationMs))"
        for (index, value) in point.phaseList.enumerated() {
            text += "\n\(Self.phases[index].name): \(ConsoleReport.formatMilliseconds(value))"
        }
        return HTMLReport.escape(text)
    }

    /// `250`, `1500`, `0.5`: no trailing zeros.
    static func axisNumber(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }
}

/// The chart's text as UTF-8 bytes; numbers with one decimal, as `%.1f` writes them.
struct SVGBytes {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(1 << 14)
    }

    static func += (out: inout SVGBytes, text: String) {
        out.bytes.append(contentsOf: text.utf8)
    }

    mutating func number(_ value: Double) {
        guard value.isFinite, abs(value) < 1e15 else { bytes.append(contentsOf: String(format: "%.1f", value).utf8); return }
        var tenths = Int((abs(value) * 10).rounded())
        if value < 0 && tenths != 0 { bytes.append(UInt8(ascii: "-")) }
        let whole = tenths / 10
        tenths %= 10
        bytes.append(contentsOf: String(whole).utf8)
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(tenths))
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String) {
        self += "<rect x=\""; number(x); self += "\" y=\""; number(y); self += "\" width=\""; number(width)
        self += "\" height=\""; number(height); self += "\" fill=\""; self += fill; self += "\"/>"
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
