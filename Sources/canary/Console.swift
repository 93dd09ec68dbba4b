import Foundation

/// Writes to stdout/stderr. On a TTY it keeps a live progress line at the bottom; otherwise it
/// writes plain lines only (CI logs, cron mail).
enum Console {
    static let isTerminal = isatty(STDOUT_FILENO) == 1
    nonisolated(unsafe) private static var progressShown = false
    /// Set once at start when stdout carries a document (`--junit -`).
    nonisolated(unsafe) static var linesToStandardError = false

    /// One line on stdout, above the progress line if there is one.
    static func line(_ text: String) {
        clearProgress()
        write(text + "\n", to: linesToStandardError ? STDERR_FILENO : STDOUT_FILENO)
    }

    static func error(_ text: String) {
        clearProgress()
        write(text + "\n", to: STDERR_FILENO)
    }

    /// `[12/100] running…` on a TTY; nothing otherwise.
    static func progress(_ text: String) {
        guard isTerminal, !linesToStandardError else { return }
        write("\r\u{1B}[K" + text, to: STDOUT_FILENO)
        progressShown = true
    }

    static func clearProgress() {
        guard progressShown else { return }
        write("\r\u{1B}[K", to: STDOUT_FILENO)
        progressShown = false
    }

    private static func write(_ text: String, to fd: Int32) {
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
