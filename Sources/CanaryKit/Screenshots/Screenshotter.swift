import Foundation

/// Renders a saved response body to a PNG with headless Chromium. The page is hostile: it is
/// loaded from a throwaway folder into a frame sandboxed against scripts, forms and navigation,
/// with every subresource blocked by a Content-Security-Policy we put in front of it, and with
/// all network traffic (loopback too) sent to a proxy that doesn't exist, so rendering it can't
/// reach any server or local file, nor turn into another page.
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

    /// A screenshot of `html` as `settings` say: the PNG's bytes and its pixels, or what went
    /// wrong, for a person. The browser is killed after `timeout`.
    ///
    /// The page is shown inside a sandboxed frame (`<iframe sandbox>` with no permissions) of a
    /// page of our own, so nothing in it can replace what is captured: scripts, forms, meta
    /// refresh and navigating the top page are all refused by the sandbox. Rendered directly, a
    /// `<meta http-equiv="refresh">` page lost its PNG 4 runs in 6.
    public func capture(
        html: [UInt8], settings: ScreenshotSettings = ScreenshotSettings(), timeout: Duration = .seconds(30)
    ) async -> Result<Screenshot, ScreenshotFailure> {
        let folder: String
        do {
            folder = try Self.makeThrowawayFolder()
        } catch {
            return .failure(ScreenshotFailure("cannot create a temporary folder for the screenshot: \(error)"))
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let shot = folder + "/shot.png", log = folder + "/browser.log"
        do {
            try FileIO.writeAtomically(Self.guarded(html), to: folder + "/page.html", durable: false)
            try FileIO.writeAtomically(Array(Self.frame.utf8), to: folder + "/frame.html", durable: false)
        } catch {
            return .failure(ScreenshotFailure("\(error)"))
        }
        let windowHeight = settings.fullPage ? Self.fullPageHeight(settings) : settings.height
        let arguments = Self.arguments(
            profile: folder + "/profile", screenshot: shot, page: URL(fileURLWithPath: folder + "/frame.html").absoluteString,
            width: settings.width, height: windowHeight)
        let run = await BrowserProcess.run(executable: executable, arguments: arguments, home: folder, log: log, timeout: timeout)
        switch run {
        case .failedToStart(let reason):
            return .failure(ScreenshotFailure("cannot start \(executable): \(reason)"))
        case .timedOut:
            return .failure(ScreenshotFailure("\(executable) did not finish the screenshot within \(timeout.humanText); it was stopped"))
        case .killedBySignal(let signal):
            return .failure(ScreenshotFailure("\(executable) crashed (signal \(signal))\(Self.lastLogLine(log))"))
        case .exited(let status) where status != 0:
            return .failure(ScreenshotFailure("\(executable) exited with status \(status)\(Self.lastLogLine(log))"))
        case .exited:
            break
        }
        guard let bytes = FileManager.default.contents(atPath: shot).map(Array.init) else {
            return .failure(ScreenshotFailure("\(executable) exited without writing a screenshot (the page may have navigated away)\(Self.lastLogLine(log))"))
        }
        do throws(PNGError) {
            let image = try PNGImage(png: bytes)
            guard settings.fullPage else { return .success(Screenshot(png: bytes, image: image)) }
            let trimmed = image.trimmingBottom(toAtLeast: settings.height)
            return .success(Screenshot(png: trimmed.png(), image: trimmed))
        } catch {
            return .failure(ScreenshotFailure("\(executable) wrote an empty or unreadable image: \(error)"))
        }
    }

    /// Our page around the saved one: a frame filling the window, sandboxed with no permissions.
    static let frame = "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        + "frame-src file:; style-src 'unsafe-inline'\"><style>html,body{margin:0;height:100%;overflow:hidden}"
        + "iframe{border:0;width:100%;height:100%;display:block}</style></head>"
        + "<body><iframe sandbox src=\"page.html\"></iframe></body></html>"

    /// A full page is rendered in a window this tall, then the blank rows below the page are cut.
    static func fullPageHeight(_ settings: ScreenshotSettings) -> Int {
        min(16384, max(settings.height, settings.height * 8))
    }

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
    static func arguments(profile: String, screenshot: String, page: String, width: Int = 1280, height: Int = 900) -> [String] {
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
            // The sandboxed frame stays in the page's renderer: in a process of its own (Chromium's
            // default) it was captured before it had painted, blank, in 2 renders of 3.
            "--disable-features=IsolateSandboxedIframes", "--disable-site-isolation-trials",
            "--hide-scrollbars", "--window-size=\(width),\(height)",
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

/// A rendered page: the PNG as written, and its pixels.
public struct Screenshot: Sendable {
    public var png: [UInt8]
    public var image: PNGImage
}

/// Why a screenshot was not taken, for a person.
public struct ScreenshotFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
