import Foundation

/// Escaping, links and small formatting for the HTML report.
extension HTMLReport {
    /// Text for element content and quoted attributes. Control characters become U+FFFD so a
    /// hostile message can't smuggle anything the parser treats specially (NUL, form feeds).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                let isControl = scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                out.unicodeScalars.append(isControl ? "\u{FFFD}" : scalar)
            }
        }
        return out
    }

    /// A relative URL path from percent-encoded segments: nothing but unreserved characters
    /// survive, so a name can neither add a scheme (`javascript:`) nor climb out with `/`.
    /// A leading `./` keeps it relative even for a segment that looks like a host.
    static func relativePath(_ segments: [String], from base: [String] = []) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        let encoded = segments.map { segment -> String in
            let safe = segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            // "." and ".." are unreserved but mean "this" and "parent" folder in a path.
            return safe == "." || safe == ".." ? safe.replacingOccurrences(of: ".", with: "%2E") : safe
        }
        let up = base.prefix { $0 == ".." }
        let down = base.dropFirst(up.count).map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return "./" + (up + down + encoded).joined(separator: "/")
    }

    /// The way from the folder `output` is written in to `resultsDirectory`, as path segments,
    /// so links work wherever the page is written (`report.html` beside `results/` by default).
    static func linkBase(from output: String, to resultsDirectory: String) -> [String] {
        func components(_ path: String) -> [String] {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().pathComponents.filter { $0 != "/" }
        }
        let from = components(LocalPath.parent(of: output))
        let to = components(resultsDirectory)
        let shared = zip(from, to).prefix { $0 == $1 }.count
        return Array(repeating: "..", count: from.count - shared) + to.dropFirst(shared)
    }

    /// An id for a canary's section: names are `[A-Za-z0-9_.-]+`; anything else is encoded.
    static func anchor(_ name: String) -> String {
        "canary-" + String(relativePath([name]).dropFirst(2))
    }

    static func percent(_ rate: Double) -> String {
        let value = rate * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }

    /// `2026-11-22T14:28:41.123Z` → `2026-11-22 14:28:41 UTC`; other text is shown as it is.
    static func displayTime(_ iso: String) -> String {
        let chars = Array(iso)
        guard chars.count >= 19, chars[10] == "T", iso.hasSuffix("Z") else { return iso }
        return String(chars[0..<10]) + " " + String(chars[11..<19]) + " UTC"
    }

    /// ` <span class="age">(5 min ago)</span>`, or nothing when the time doesn't parse.
    static func age(of iso: String, now: Date) -> String {
        // The fast parse first: the overview of a large fleet asks once per canary.
        guard let then = EpochTime.seconds(fromISO8601: iso) ?? RunID.date(fromISO8601: iso)?.timeIntervalSince1970 else { return "" }
        let seconds = Int((now.timeIntervalSince1970 - then).rounded())
        let text: String
        switch seconds {
        case ..<(-60): text = "in the future"
        case ..<60: text = "just now"
        case ..<3600: text = "\(seconds / 60) min ago"
        case ..<172_800: text = "\(seconds / 3600) h ago"
        default: text = "\(seconds / 86_400) days ago"
        }
        return " <span class=\"age\">(\(text))</span>"
    }

    /// Inline, so the page needs nothing but itself; system fonts only.
    static let stylesheet = """
        :root { --pass: #1a7f37; --fail: #cf222e; --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
        header { padding: 18px 28px 12px; background: #fff; border-bottom: 1px solid var(--line); }
        h1 { margin: 0 0 4px; font-size: 24px; }
        .totals { margin: 0; color: var(--muted); }
        .good { color: var(--pass); font-weight: 600; } .bad { color: var(--fail); font-weight: 600; }
        .warning { margin: 8px 0 0; padding: 6px 10px; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; }
        main { padding: 16px 28px 40px; max-width: 1100px; }
        table.overview { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 18px; }
        .overview th, .overview td { padding: 6px 12px; text-align: left; border-bottom: 1px solid var(--line); }
        .overview th { font-size: 13px; color: var(--muted); font-weight: 600; }
        .overview td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .overview tr.fail td:first-child a { color: var(--fail); }
        a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
        section.canary { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--pass); border-radius: 6px; padding: 12px 18px 14px; margin-bottom: 18px; }
        section.canary.fail { border-left-color: var(--fail); }
        h2 { margin: 0 0 8px; font-size: 19px; }
        .badge { display: inline-block; width: 1.4em; height: 1.4em; line-height: 1.4em; text-align: center; border-radius: 50%; color: #fff; font-size: 0.85em; }
        .badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.degraded { background: #b7791f; }
        dl.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0 0 10px; }
        dl.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
        dl.facts dd { margin: 0; font-weight: 600; }
        .age, .runid, .when { color: var(--muted); font-weight: 400; font-size: 13px; }
        .failure { background: #ffebe9; border: 1px solid #ffcecb; border-radius: 6px; padding: 8px 12px; margin: 0 0 12px; }
        .failure h3 { margin: 0 0 4px; font-size: 14px; color: var(--fail); }
        .failure p { margin: 2px 0; }
        .step { font-weight: 600; margin-right: 4px; }
        code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
        .nofailure { color: var(--pass); margin: 0 0 12px; }
        figure { margin: 0; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg.chart text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: var(--muted); }
        .legend { font-size: 13px; color: var(--muted); margin-top: 2px; }
        .legend span { margin-right: 14px; white-space: nowrap; }
        .legend i { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
        .empty { color: var(--muted); }
        details.diff { margin: 0 0 12px; }
        details.diff summary { cursor: pointer; font-weight: 600; }
        details.diff pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #fff; border: 1px solid var(--line); padding: 8px; overflow-x: auto; }
        .diff .add { color: var(--pass); } .diff .del { color: var(--fail); } .diff .chg { color: #9a6700; }
        section.incidents { background: #fff; padding: 0 0 8px; }
        """
}
