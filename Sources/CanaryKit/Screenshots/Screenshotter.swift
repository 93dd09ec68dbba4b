import Foundation

/// Renders a saved response body to a PNG with headless Chromium. The page is hostile: it is
/// loaded from a throwaway folder with scripts and every subresource blocked by a
/// Content-Security-Policy we put in front of it, and with all network traffic (loopback too)
/// sent to a proxy that doesn't exist, so rendering it can't reach any server or local file.
public struct Screenshotter: Sendable {
    /// The browser to run.
    public let executable: String

    /// Browsers tried by `find()`, in order.
    static let browserNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// Uses the browser at `executable`.
    public init(executable: String) {
        self.executable = executable
    }

    /// The first of chromium, chromium-browser or google-chrome found on PATH; nil when none is.
    public static func find() -> Screenshotter? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let folders = path.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        for name in browserNames {
            for folder in folders {
                let candidate = folder + "/" + name
                if FileManager.default.isExecutableFile(atPath: candidate) { return Screenshotter(executable: candidate) }
            }
        }
        return nil
    }

    /// Writes a 1280×900 screenshot of `html` to `png` (atomically). Returns nil on success,
    /// otherwise what went wrong, for a person. The browser is killed after `timeout`.
    public func capture(html: [UInt8], to png: String, timeout: Duration = .seconds(15)) async -> String? {
        let folder: String
        do {
            folder = try Self.makeThrowawayFolder()
        } catch {
            return "cannot create a temporary folder for the screenshot: \(error)"
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = folder + "/page.html", shot = folder + "/shot.png", log = folder + "/browser.log"
        do {
            try FileIO.writeAtomically(Self.guarded(html), to: page, durable: false)
        } catch {
            return "\(error)"
        }
        let arguments = Self.arguments(profile: folder + "/profile", screenshot: shot, page: URL(fileURLWithPath: page).absoluteString)
        let run = await BrowserProcess.run(executable: executable, arguments: arguments, home: folder, log: log, timeout: timeout)
        switch run {
        case .failedToStart(let reason):
            return "cannot start \(executable): \(reason)"
        case .timedOut:
            return "\(executable) did not finish the screenshot within \(timeout.humanText); it was stopped"
        case .exited(let status) where status != 0:
            return "\(executable) exited with status \(status)\(Self.lastLogLine(log))"
        case .exited:
            break
        }
        guard let bytes = FileManager.default.contents(atPath: shot), bytes.starts(with: Self.pngSignature) else {
            return "\(executable) wrote no screenshot\(Self.lastLogLine(log))"
        }
        do {
            try FileIO.writeAtomically(Array(bytes), to: png, durable: false)
        } catch {
            return "\(error)"
        }
        return nil
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The policy put in front of the page. `default-src 'none'` blocks scripts (inline ones
    /// too), images, frames, fetches and `file://` reads; inline styles and `data:` images and
    /// fonts are allowed so the page still looks like itself. (Chromium's
    /// `--blink-settings=scriptEnabled=false` would do for scripts, but it stops headless
    /// `--screenshot` from producing anything.)
    static let policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        + "style-src 'unsafe-inline' data:; img-src data:; font-src data:; base-uri 'none'; form-action 'none'\">"

    /// `html` with the policy inserted after a leading doctype (so standards mode is kept), or
    /// at the very start. The policy must come before anything the page could load.
    static func guarded(_ html: [UInt8]) -> [UInt8] {
        var start = 0
        // A UTF-8 byte order mark must stay first to keep its meaning; the policy is ASCII.
        if html.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var index = start
        while index < html.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(html[index]) { index += 1 }
        let doctype = Array("<!doctype".utf8)
        if html.count >= index + doctype.count,
           zip(html[index..<index + doctype.count], doctype).allSatisfy({ asciiLowercase($0) == $1 }),
           // The tokenizer ends a doctype at its first ">", even inside a quoted identifier.
           let close = html[index...].firstIndex(of: UInt8(ascii: ">")) {
            start = close + 1
        }
        return Array(html[..<start]) + Array(policy.utf8) + Array(html[start...])
    }

    /// Only A–Z fold: a lookalike byte must not pass for "<" or "!".
    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }

    /// Headless Chromium with no way out: every URL, loopback included (`<-loopback>` removes
    /// the implicit bypass), goes to a proxy on the discard port, and host names resolve to
    /// nothing, so neither the internet nor a local service can be reached by the page.
    static func arguments(profile: String, screenshot: String, page: String) -> [String] {
        [
            "--headless", "--disable-gpu",
            // We run as root in containers, where Chromium's sandbox can't start.
            "--no-sandbox",
            "--user-data-dir=" + profile,
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--disable-domain-reliability", "--disable-breakpad", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-sync", "--metrics-recording-only", "--mute-audio",
            "--hide-scrollbars", "--window-size=1280,900",
            "--screenshot=" + screenshot,
            page,
        ]
    }

    /// A private folder for the page, the browser profile and the screenshot.
    private static func makeThrowawayFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.path + "/canary-screenshot-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }

    /// `: <the browser's last complaint>`, skipping the D-Bus noise it prints without a session bus.
    private static func lastLogLine(_ log: String) -> String {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return "" }
        let line = text.split(whereSeparator: \.isNewline).last { !$0.contains("dbus") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return line.map { ": " + String($0.prefix(300)) } ?? ""
    }
}
