import Foundation

/// A stacked bar per run (oldest left): where the time went, phase by phase, summed over the
/// run's steps; a red tick under each failed run. Plain SVG, so it needs no script to draw.
struct LatencyChart {
    /// The phases bottom to top, with their colours.
    static let phases: [(name: String, color: String)] = [
        ("dns", "#4e79a7"), ("connect", "#f28e2b"), ("tls", "#b07aa1"), ("wait", "#59a14f"), ("transfer", "#e8c547"),
    ]
    static let failColor = "#cf222e"

    let runs: [RunRecord]

    private let width = 1000.0, height = 220.0
    private let left = 64.0, right = 12.0, top = 12.0, bottom = 40.0

    /// Each phase's milliseconds for one run. `wait` is time to first byte after the
    /// connection was ready; it is clipped at 0 because libcurl's timestamps can overlap.
    static func phaseTimes(_ run: RunRecord) -> [Double] {
        var sums = [Double](repeating: 0, count: phases.count)
        for step in run.steps {
            let t = step.timings
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

    func svg() -> String {
        guard !runs.isEmpty else { return "" }
        let times = runs.map(Self.phaseTimes)
        let yMax = Self.niceCeiling(times.map { $0.reduce(0, +) }.max() ?? 0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(runs.count, 20))
        let barWidth = max(1, slot * 0.78)
        let failures = runs.filter { !$0.passed }.count
        var out = "<figure><svg class=\"chart\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" aria-label=\"latency by phase of the last \(runs.count) runs\">\n"
        out += axis(yMax: yMax, plotWidth: plotWidth, plotHeight: plotHeight)
        for (index, run) in runs.enumerated() {
            let x = left + Double(index) * slot + (slot - barWidth) / 2
            out += "<g><title>\(tooltip(run, times[index]))</title>"
            var y = top + plotHeight
            for (phase, value) in times[index].enumerated() where value > 0 {
                let h = value / yMax * plotHeight
                y -= h
                out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(max(h, 0.5)))\" fill=\"\(Self.phases[phase].color)\"/>"
            }
            if !run.passed {
                out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(top + plotHeight + 3))\" width=\"\(fmt(max(barWidth, 3)))\" height=\"7\" fill=\"\(Self.failColor)\"/>"
            }
            out += "</g>\n"
        }
        out += xLabels(plotWidth: plotWidth, plotHeight: plotHeight)
        out += "</svg>\n" + legend(failures: failures) + "</figure>\n"
        return out
    }

    /// Gridlines and labels at quarters of the scale, and the unit.
    private func axis(yMax: Double, plotWidth: Double, plotHeight: Double) -> String {
        var out = ""
        for quarter in 0...4 {
            let value = yMax * Double(quarter) / 4
            let y = top + plotHeight - Double(quarter) / 4 * plotHeight
            let stroke = quarter == 0 ? "#8c959f" : "#eaeef2"
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(y))\" stroke=\"\(stroke)\"/>"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(Self.axisNumber(value)) ms</text>\n"
        }
        return out
    }

    /// The oldest and newest run's start time at the two ends of the axis (not under their
    /// bars, where two labels could overlap when there are few runs).
    private func xLabels(plotWidth: Double, plotHeight: Double) -> String {
        guard let first = runs.first, let last = runs.last else { return "" }
        let y = top + plotHeight + 26
        var out = "<text x=\"\(fmt(left))\" y=\"\(fmt(y))\">oldest: \(HTMLReport.escape(HTMLReport.displayTime(first.start)))</text>"
        if runs.count > 1 {
            out += "<text x=\"\(fmt(left + plotWidth))\" y=\"\(fmt(y))\" text-anchor=\"end\">newest: \(HTMLReport.escape(HTMLReport.displayTime(last.start)))</text>"
        }
        return out + "\n"
    }

    private func legend(failures: Int) -> String {
        var out = "<figcaption class=\"legend\">Latency of the last \(runs.count) run\(runs.count == 1 ? "" : "s"), summed over steps: "
        for phase in Self.phases {
            out += "<span><i style=\"background:\(phase.color)\"></i>\(phase.name)</span>"
        }
        out += "<span><i style=\"background:\(Self.failColor)\"></i>failed run (\(failures))</span>"
        return out + "</figcaption>\n"
    }

    /// Hover text: the run, its outcome and each phase.
    private func tooltip(_ run: RunRecord, _ times: [Double]) -> String {
        var text = "\(HTMLReport.displayTime(run.start)) \(run.passed ? "passed" : "failed") — total \(ConsoleReport.formatMilliseconds(run.durationMs))"
        for (index, phase) in Self.phases.enumerated() {
            text += "\n\(phase.name): \(ConsoleReport.formatMilliseconds(times[index]))"
        }
        return HTMLReport.escape(text)
    }

    /// `250`, `1500`, `0.5`: no trailing zeros.
    static func axisNumber(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }

    private func fmt(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
