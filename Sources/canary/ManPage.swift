import CanaryKit

/// `canary help --man`: the help texts as a man page (roff, the `man` macros), one section per
/// command, so `man canary` says what `canary help COMMAND` says.
enum ManPage {
    static func render() -> String {
        var page = ".TH CANARY 1 \"\" \"canary \(CanaryVersion.number)\" \"User Commands\"\n"
        page += ".SH NAME\ncanary \\- synthetic canaries: HTTP steps with assertions, run through libcurl, recorded to disk\n"
        page += ".SH SYNOPSIS\n.B canary\n.I command\n.RI [ options ]\n.RI [ path ...]\n"
        page += ".SH DESCRIPTION\n"
        // The overview without its first line (the NAME above).
        page += body(Help.overview.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n"))
        page += ".SH COMMANDS\n"
        for command in CommandTable.commands {
            guard let help = Help.text(for: command.name) else { continue }
            page += ".SS \(escaped("canary " + command.name))\n" + body(help)
        }
        page += ".SH SEE ALSO\n.BR curl (1),\n.BR promtool (1)\n"
        return page
    }

    /// One help text: `Usage:` blocks kept as lines, option lines as tagged paragraphs (their
    /// deeper-indented continuation lines joined to them), other lines filled as paragraphs.
    static func body(_ help: String) -> String {
        var out = ""
        var inUsage = false
        for raw in help.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty {
                if inUsage { out += ".fi\n" }
                inUsage = false
                out += ".PP\n"
            } else if trimmed.hasPrefix("Usage:") || inUsage {
                if !inUsage { out += ".PP\n.nf\n" }
                inUsage = true
                out += escaped(String(trimmed)) + "\n"
            } else if trimmed.hasPrefix("-"), line.hasPrefix(" ") {
                let (tag, text) = option(String(trimmed))
                out += ".TP\n" + "\\fB" + escaped(tag) + "\\fR\n" + (text.isEmpty ? "" : escaped(text) + "\n")
            } else {
                out += escaped(String(trimmed)) + "\n"
            }
        }
        if inUsage { out += ".fi\n" }
        return out
    }

    /// `--jobs N             canaries run at once` → ("--jobs N", "canaries run at once").
    static func option(_ line: String) -> (String, String) {
        guard let gap = line.range(of: "  ") else { return (line, "") }
        return (String(line[..<gap.lowerBound]), String(line[gap.upperBound...].drop { $0 == " " }))
    }

    /// Text for roff: backslashes and hyphens escaped, no line starting with a control character.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            case "—": out += "\\(em"
            case "×": out += "\\(mu"
            case "≤": out += "\\(<="
            case "…": out += "..."
            default:
                // Other non-ASCII as groff's Unicode escapes: the page renders with or without preconv.
                for scalar in character.unicodeScalars {
                    out += scalar.isASCII ? String(scalar) : "\\[u" + hex(scalar.value) + "]"
                }
            }
        }
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }

    /// At least four upper-case hex digits, as groff's `\[uXXXX]` wants them.
    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
