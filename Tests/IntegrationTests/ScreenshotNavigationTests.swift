import CanaryKit
import Foundation
import Testing

/// Pages that try to turn into another page before the screenshot is taken, each on a green
/// background: a PNG whose middle is green shows the page itself, not where it tried to go.
private func navigationVectors(port: Int) -> [(name: String, html: String)] {
    let target = "http://127.0.0.1:\(port)"
    let vectors = [
        ("meta refresh", #"<meta http-equiv="refresh" content="0; url=\#(target)/refresh">"#),
        ("meta refresh to a local file", #"<meta http-equiv="refresh" content="0;url=file:///etc/hostname">"#),
        ("<base> under a relative refresh", #"<base href="\#(target)/"><meta http-equiv="refresh" content="0; url=next">"#),
        ("form submission", #"<form id="f" action="\#(target)/form" target="_top"><input name="q" value="1"></form><script>document.getElementById("f").submit()</script>"#),
        ("window.location, scripts on", #"<script>window.location = "\#(target)/script"</script><img src="x" onerror="location.replace('\#(target)/onerror')">"#),
        ("window.location, scripts off", #"<noscript><meta http-equiv="refresh" content="0; url=\#(target)/noscript"></noscript>"#),
        ("<a ping>", #"<a id="a" href="\#(target)/a" ping="\#(target)/ping">link</a><script>document.getElementById("a").click()</script>"#),
        ("frames navigating the top page", #"<iframe srcdoc="<script>top.location='\#(target)/top'</script>"></iframe>"#
            + #"<iframe srcdoc="<a id=l href='\#(target)/t' target=_top>x</a><script>document.getElementById('l').click()</script>"></iframe>"#
            + #"<iframe srcdoc="<meta http-equiv=refresh content='0;url=\#(target)/frame'>"></iframe>"#),
    ]
    let all = ("every vector at once", vectors.map(\.1).joined())
    return (vectors + [all]).map { name, vector in
        (name, #"<!DOCTYPE html><html><head>\#(vector)<style>html,body{margin:0;height:100%;background:rgb(0,160,0)}</style></head>"#
            + #"<body><h1>the page itself</h1>\#(vector)</body></html>"#)
    }
}

/// The middle pixel of a screenshot is the page's green.
private func showsThePage(_ shot: Screenshot) -> Bool {
    let image = shot.image
    let at = ((image.height / 2) * image.width + image.width / 2) * 4
    let (red, green, blue) = (image.pixels[at], image.pixels[at + 1], image.pixels[at + 2])
    return red < 40 && (130...190).contains(green) && blue < 40
}

@Suite("Screenshots of pages that try to navigate", .serialized)
struct ScreenshotNavigationTests {
    let small = ScreenshotSettings(width: 400, height: 300)

    /// Renders `pages` two at a time (as `--screenshot-jobs 2` does); per page, how many renders showed it.
    private func render(_ pages: [(name: String, html: String)], browser: Screenshotter) async -> [String: (shown: Int, problems: [String])] {
        var tally: [String: (shown: Int, problems: [String])] = [:]
        for start in stride(from: 0, to: pages.count, by: 2) {
            let pair = Array(pages[start..<min(start + 2, pages.count)])
            let outcomes = await withTaskGroup(of: (String, Result<Screenshot, ScreenshotFailure>).self) { group in
                for page in pair {
                    group.addTask { (page.name, await browser.capture(html: Array(page.html.utf8), settings: small, timeout: .seconds(20))) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for (name, outcome) in outcomes {
                var entry = tally[name] ?? (0, [])
                switch outcome {
                case .success(let shot) where showsThePage(shot): entry.shown += 1
                case .success: entry.problems.append("a PNG of something else")
                case .failure(let failure): entry.problems.append(failure.description)
                }
                tally[name] = entry
            }
        }
        return tally
    }

    @Test("each navigation vector alone: the PNG shows the page, and nothing reaches a listener")
    func eachVector() async throws {
        guard let browser = screenshotBrowser() else { return }
        let listener = try #require(LoopbackListener())
        let pages = navigationVectors(port: listener.port)
        let tally = await render(pages, browser: browser)
        for page in pages {
            #expect(tally[page.name]?.shown == 1, "\(page.name): \(tally[page.name]?.problems ?? [])")
        }
        let seen = listener.drain()
        #expect(seen.connections == 0 && seen.requests == 0, "\(seen)")
    }

    @Test("the meta-refresh page and the page of every vector get their PNG 20 times in 20")
    func twentyOfTwenty() async throws {
        guard let browser = screenshotBrowser() else { return }
        let listener = try #require(LoopbackListener())
        let vectors = navigationVectors(port: listener.port)
        let chosen = vectors.filter { $0.name == "meta refresh" || $0.name == "every vector at once" }
        let pages = (0..<20).flatMap { _ in chosen }
        let tally = await render(pages, browser: browser)
        for page in chosen {
            #expect(tally[page.name]?.shown == 20, "\(page.name): \(tally[page.name]?.problems ?? [])")
        }
        let seen = listener.drain()
        #expect(seen.connections == 0 && seen.requests == 0, "\(seen)")
    }
}
