import Foundation
import Testing
@testable import CanaryKit

/// A page that tries every way we know to make the browser talk to `port` on loopback: images,
/// a stylesheet, a prefetch, an iframe, an object, a script and its fetch, a form that submits
/// itself, by IP and by name.
private func hostilePage(port: Int) -> [UInt8] {
    let base = "http://127.0.0.1:\(port)"
    return Array("""
        <!DOCTYPE html><html><head><title>hostile</title>
        <link rel="stylesheet" href="\(base)/style.css"><link rel="prefetch" href="http://localhost:\(port)/prefetch">
        <link rel="icon" href="\(base)/favicon.ico"><script src="\(base)/external.js"></script>
        <style>body { background: url(\(base)/background.png) } @import url("\(base)/import.css");</style>
        </head><body><h1>hostile page</h1>
        <img src="\(base)/x"><img src="http://localhost:\(port)/by-name"><img src="https://example.com/outside.png">
        <iframe src="\(base)/frame"></iframe><iframe src="file:///etc/hostname"></iframe><object data="\(base)/object"></object>
        <form id="f" action="\(base)/form"></form>
        <script>fetch("\(base)/fetch"); new Image().src = "\(base)/image"; document.getElementById("f").submit();</script>
        </body></html>
        """.utf8)
}

@Suite("Screenshots of saved responses", .serialized)
struct ScreenshotTests {
    @Test("a hostile page makes no request, not even to a listener on loopback")
    func noRequestsLeave() async throws {
        guard let browser = screenshotBrowser() else { return }
        let listener = try #require(LoopbackListener())
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let problem = await browser.capture(html: hostilePage(port: listener.port), to: scratch.path + "/hostile.png")
        #expect(problem == nil)
        #expect(pngSize(scratch.bytes("hostile.png")) != nil)
        let seen = listener.drain()
        #expect(seen.connections == 0 && seen.requests == 0, "\(seen)")
    }

    /// Each defence alone keeps every request from the listener, and without both the same page
    /// does reach it, which shows the listener would have seen them. The network flags stop even
    /// the bare TCP connections Chromium opens speculatively for links it sees; the policy alone
    /// doesn't (it is there for scripts and `file://`), so it is held to "no request" only.
    @Test("the network flags and the content policy each keep requests away on their own", arguments: [
        (guarded: true, isolated: true),
        (guarded: false, isolated: true),
        (guarded: true, isolated: false),
        (guarded: false, isolated: false),
    ])
    func eachDefenceAlone(guarded: Bool, isolated: Bool) async throws {
        guard let browser = screenshotBrowser() else { return }
        let listener = try #require(LoopbackListener())
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let page = hostilePage(port: listener.port)
        try Data(guarded ? Screenshotter.guarded(page) : page).write(to: URL(fileURLWithPath: scratch.path + "/page.html"))
        var arguments = Screenshotter.arguments(
            profile: scratch.path + "/profile", screenshot: scratch.path + "/shot.png", page: "file://" + scratch.path + "/page.html")
        if !isolated {
            arguments.removeAll { $0.hasPrefix("--proxy") || $0.hasPrefix("--host-resolver-rules") }
        }
        // Unprotected, the page waits forever on the listener, which never answers.
        let outcome = await BrowserProcess.run(
            executable: browser.executable, arguments: arguments, home: scratch.path, log: scratch.path + "/log", timeout: .seconds(8))
        let seen = listener.drain()
        switch (guarded, isolated) {
        case (false, false):
            #expect(seen.requests > 0, "the unprotected page must reach the listener: \(seen)")
        case (_, true):
            #expect(outcome == .exited(0))
            #expect(seen.connections == 0 && seen.requests == 0, "\(seen)")
        case (true, false):
            #expect(outcome == .exited(0))
            #expect(seen.requests == 0, "\(seen)")
        }
    }

    @Test("a page of text becomes a 1280×900 PNG with far more in it than an empty page")
    func textPage() async throws {
        guard let browser = screenshotBrowser() else { return }
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let mobyDick = """
            <!DOCTYPE html><html><head><title>Moby-Dick</title></head><body>
            <h1>Herman Melville - Moby-Dick</h1>
            <div><p>Availing himself of the mild, summer-cool weather that now reigned in these latitudes, and in
            preparation for the peculiarly active pursuits shortly to be anticipated, Perth, the begrimed, blistered
            old blacksmith, had not removed his portable forge to the hold again, after concluding his contributory
            work for Ahab's leg, but still retained it on deck, fast lashed to ringbolts by the foremast.</p>
            <p>Call me Ishmael. Some years ago — never mind how long precisely — having little or no money in my purse,
            and nothing particular to interest me on shore, I thought I would sail about a little and see the watery
            part of the world.</p></div></body></html>
            """
        #expect(await browser.capture(html: Array(mobyDick.utf8), to: scratch.path + "/moby.png") == nil)
        #expect(await browser.capture(html: Array("<!DOCTYPE html><html><body></body></html>".utf8), to: scratch.path + "/blank.png") == nil)
        let moby = scratch.bytes("moby.png"), blank = scratch.bytes("blank.png")
        let size = try #require(pngSize(moby))
        #expect(size.width == 1280 && size.height == 900)
        #expect(pngSize(blank) != nil)
        // PNG compresses a blank page to almost nothing; text (anti-aliased glyphs) doesn't.
        #expect(moby.count > blank.count * 3, "moby \(moby.count) bytes, blank \(blank.count) bytes")
        keepForInspection(scratch.path + "/moby.png")
    }

    @Test("fullPage: the PNG is as tall as the page, not the window; without it, the window's size")
    func fullPage() async throws {
        guard let browser = screenshotBrowser() else { return }
        let page = Array(#"<body style="margin:0;background:#fff"><div style="height:1000px;background:#c00"></div></body>"#.utf8)
        let full = await browser.capture(html: page, settings: ScreenshotSettings(width: 400, height: 300, fullPage: true))
        let window = await browser.capture(html: page, settings: ScreenshotSettings(width: 400, height: 300))
        let fullImage = try full.get().image, windowImage = try window.get().image
        #expect(fullImage.width == 400 && (1000...1010).contains(fullImage.height), "\(fullImage.width)×\(fullImage.height)")
        #expect(windowImage.width == 400 && windowImage.height == 300)
    }

    @Test("a browser that doesn't finish is stopped at the timeout")
    func timeout() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let hanging = scratch.path + "/hanging-browser"
        try "#!/bin/sh\nexec sleep 30\n".write(toFile: hanging, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hanging)
        let started = ContinuousClock.now
        let problem = await Screenshotter(executable: hanging).capture(html: [], to: scratch.path + "/never.png", timeout: .seconds(1))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(problem?.contains("did not finish the screenshot within 1s") == true, "\(problem ?? "nil")")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/never.png"))
    }

    @Test("a browser that can't start is reported, not thrown")
    func missingBrowser() async {
        let problem = await Screenshotter(executable: "/nonexistent/chromium").capture(html: [], to: "/tmp/never.png")
        #expect(problem?.hasPrefix("cannot start /nonexistent/chromium") == true, "\(problem ?? "nil")")
    }
}

/// CANARY_KEEP_SCREENSHOTS=folder keeps a copy of a screenshot to look at.
func keepForInspection(_ path: String) {
    guard let folder = ProcessInfo.processInfo.environment["CANARY_KEEP_SCREENSHOTS"] else { return }
    let target = folder + "/" + (path as NSString).lastPathComponent
    try? FileManager.default.removeItem(atPath: target)
    try? FileManager.default.copyItem(atPath: path, toPath: target)
}
