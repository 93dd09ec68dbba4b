import Foundation

/// Writes to stdout/stderr. On a TTY it keeps a live progress line at the bottom; otherwise it
/// writes plain lines only (CI logs, cron mail). Outside a UTF-8 locale the symbols are ASCII.
enum Console {
    static let isTerminal = isatty(STDOUT_FILENO) == 1
    /// The live line (`\r\e[K`) only on a real, capable terminal: both streams a TTY, TERM not
    /// `dumb`, and not under CI (CI runners that allocate a TTY still keep a plain log).
    static let showsProgress = isTerminal && isatty(STDERR_FILENO) == 1
        && ProcessInfo.processInfo.environment["TERM"] != "dumb" && ProcessInfo.processInfo.environment["CI"] == nil
    /// Whether the locale's characters are UTF-8 (LC_ALL, else LC_CTYPE, else LANG; unset is C).
    static let isUTF8: Bool = {
        let environment = ProcessInfo.processInfo.environment
        let locale = [environment["LC_ALL"], environment["LC_CTYPE"], environment["LANG"]].lazy
            .compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let lowered = locale.lowercased()
        return lowered.contains("utf-8") || lowered.contains("utf8")
    }()
    /// What the symbols of our output become outside a UTF-8 locale.
    static let asciiSymbols: [(String, String)] = [("✓", "PASS"), ("✗", "FAIL"), ("⚠", "WARN"), ("›", ">"), ("…", "..."), ("──", "--"), ("→", "->")]
    /// Set once at start from `--color`; false for every command that doesn't take it.
    nonisolated(unsafe) private(set) static var colorStdout = false
    nonisolated(unsafe) private(set) static var colorStderr = false
    nonisolated(unsafe) private static var progressShown = false
    /// Set once at start when stdout carries a document (`--junit -`).
    nonisolated(unsafe) static var linesToStandardError = false

    /// `--color auto|always|never`. auto: colour on a terminal (TERM not `dumb`) unless NO_COLOR
    /// is set to anything (no-color.org); always and never win over NO_COLOR.
    static func configureColor(_ choice: ColorChoice) {
        let environment = ProcessInfo.processInfo.environment
        let allowed = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        func decide(_ fd: Int32) -> Bool {
            switch choice {
            case .always: return true
            case .never: return false
            case .auto: return allowed && isatty(fd) == 1
            }
        }
        colorStdout = decide(STDOUT_FILENO)
        colorStderr = decide(STDERR_FILENO)
    }

    /// A run's line (or `-v` block) with its marks coloured when the console line's stream is:
    /// ✓ green, ✗ red, ⚠ yellow, ? (inconclusive) magenta, at the start of a line after spaces.
    static func marked(_ text: String) -> String {
        guard linesToStandardError ? colorStderr : colorStdout else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let indent = line.prefix { $0 == " " }
            let rest = line.dropFirst(indent.count)
            for (mark, code) in [("✓", "32"), ("✗", "31"), ("⚠", "33"), ("?", "35")] where rest.hasPrefix(mark + " ") {
                return indent + "\u{1B}[\(code)m" + mark + "\u{1B}[0m" + rest.dropFirst(mark.count)
            }
            return String(line)
        }.joined(separator: "\n")
    }

    /// The closing line with `N failed` in red when N > 0 and colour is on.
    static func summary(_ text: String, failed: Int) -> String {
        guard linesToStandardError ? colorStderr : colorStdout, failed > 0,
              let range = text.range(of: "\(failed) failed") else { return text }
        return text.replacingCharacters(in: range, with: "\u{1B}[1;31m\(failed) failed\u{1B}[0m")
    }

    /// One line on stdout, above the progress line if there is one.
    static func line(_ text: String) {
        clearProgress()
        write(text + "\n", to: linesToStandardError ? STDERR_FILENO : STDOUT_FILENO)
    }

    /// One line on stdout even when the console lines go to stderr (GitHub's workflow commands).
    static func output(_ text: String) {
        clearProgress()
        write(text + "\n", to: STDOUT_FILENO)
    }

    static func error(_ text: String) {
        clearProgress()
        write(text + "\n", to: STDERR_FILENO)
    }

    /// `[12/100] running…` on a TTY; nothing otherwise.
    static func progress(_ text: String) {
        guard showsProgress, !linesToStandardError else { return }
        write("\r\u{1B}[K" + text, to: STDOUT_FILENO)
        progressShown = true
    }

    static func clearProgress() {
        guard progressShown else { return }
        write("\r\u{1B}[K", to: STDOUT_FILENO)
        progressShown = false
    }

    private static func write(_ text: String, to fd: Int32) {
        var text = text
        if !isUTF8 {
            for (symbol, ascii) in asciiSymbols where text.contains(symbol) {
                text = text.replacingOccurrences(of: symbol, with: ascii)
            }
        }
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

/// `--color`: when the console colours run lines.
enum ColorChoice: String, CaseIterable {
    case auto, always, never
}
