import CurlEngine
import Foundation

extension BrowserRun {
    struct Gathered {
        var page = PageFacts()
        var timings = Timings()
        var domContentLoaded: Double?
        var load: Double?
    }

    /// Reads everything the checks and captures need in one evaluation (each `evaluate` check
    /// in its own), plus navigation timings and vitals.
    func gather(_ checks: [Assertion], interpolator: Interpolator) async -> Gathered {
        var gathered = Gathered()
        let events = page.events.snapshot
        gathered.page.consoleErrors = events.consoleErrors
        gathered.page.failedRequests = page.events.failedRequests.count
        var texts: [String] = [], visible: [String] = [], scripts: [String] = []
        for check in checks {
            switch check.query {
            case .text(let selector): texts.append(selector)
            case .visible(let selector): visible.append(selector)
            case .evaluate(let script): scripts.append(script)
            default: break
            }
        }
        var captures: [(String, String?)] = []
        for capture in step.captures {
            switch capture.source {
            case .selector(let selector, let attribute): captures.append((selector, attribute))
            case .evaluate(let script): scripts.append(script)
            default: break
            }
        }
        let list = { (items: [String]) in "[" + items.map(PageDriver.literal).joined(separator: ",") + "]" }
        let pairs = "[" + captures.map { "[\(PageDriver.literal($0.0)),\($0.1.map(PageDriver.literal) ?? "null")]" }.joined(separator: ",") + "]"
        let script = """
            (() => { const q = s => { try { return document.querySelector(s); } catch (e) { return null; } };
              const text = el => el ? (el.innerText ?? el.textContent ?? '') : null;
              const vis = el => { if (!el) return false; const r = el.getBoundingClientRect(), st = getComputedStyle(el);
                return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; };
              const n = performance.getEntriesByType('navigation')[0];
              return {title: document.title, url: location.href,
                texts: \(list(texts)).map(s => text(q(s))), visible: \(list(visible)).map(s => vis(q(s))),
                captures: \(pairs).map(([s, a]) => { const el = q(s); return el ? (a ? el.getAttribute(a) : text(el)) : null; }),
                vitals: window.__canaryVitals || null, nav: n ? n.toJSON() : null}; })()
            """
        let limit = max(.seconds(1), min(.seconds(5), deadline - .now))
        guard let value = try? await page.evaluate(script, timeout: limit) else {
            gathered.page.missingReasons = Dictionary(uniqueKeysWithValues: captures.map { (PageFacts.captureKey($0.0, $0.1), "the page did not answer") })
            return gathered
        }
        gathered.page.title = value["title"]?.stringValue
        gathered.page.url = value["url"]?.stringValue
        for (selector, text) in zip(texts, value["texts"]?.arrayValue ?? []) { gathered.page.texts[selector] = text.stringValue }
        for (selector, shown) in zip(visible, value["visible"]?.arrayValue ?? []) { gathered.page.visible[selector] = shown.boolValue ?? false }
        for (capture, found) in zip(captures, value["captures"]?.arrayValue ?? []) {
            let key = PageFacts.captureKey(capture.0, capture.1)
            gathered.page.captured[key] = found.stringValue
            if found.stringValue == nil {
                gathered.page.missingReasons[key] = capture.1 == nil ? "no element matches" : "no element matches, or it has no such attribute"
            }
        }
        if let vitals = value["vitals"] {
            if let lcp = vitals["lcp"]?.numberValue { gathered.page.vitals[.lcp] = lcp }
            if let cls = vitals["cls"]?.numberValue { gathered.page.vitals[.cls] = cls }
            if let inp = vitals["inp"]?.numberValue { gathered.page.vitals[.inp] = inp }
        }
        if let nav = value["nav"] { read(nav, into: &gathered) }
        for script in scripts {
            do {
                gathered.page.evaluated[script] = try await page.evaluate(script, timeout: max(.seconds(1), min(.seconds(5), deadline - .now)))
            } catch {
                gathered.page.evaluated[script] = .some(nil)
                if case .evaluation(let text) = error { gathered.page.missingReasons["evaluate " + script] = "it threw \(text)" } else {
                    gathered.page.missingReasons["evaluate " + script] = "the page did not answer"
                }
            }
        }
        return gathered
    }

    /// Navigation timing of the page's document (the last navigation), as phase lengths like an
    /// HTTP step's: dns, connect, tls, time to first byte, and the response's transfer.
    private func read(_ nav: JSONValue, into gathered: inout Gathered) {
        func at(_ key: String) -> Double { nav[key]?.numberValue ?? 0 }
        func r(_ ms: Double) -> Double { (max(0, ms) * 1000).rounded() / 1000 }
        let secure = at("secureConnectionStart")
        gathered.timings = Timings(
            dns: r(at("domainLookupEnd") - at("domainLookupStart")),
            connect: r((secure > 0 ? secure : at("connectEnd")) - at("connectStart")),
            tls: r(secure > 0 ? at("connectEnd") - secure : 0),
            firstByte: r(at("responseStart") - at("startTime")),
            transfer: r(at("responseEnd") - at("responseStart")))
        if at("domContentLoadedEventEnd") > 0 {
            gathered.domContentLoaded = r(at("domContentLoadedEventEnd") - at("startTime"))
            gathered.page.vitals[.domContentLoaded] = gathered.domContentLoaded
        }
        if at("loadEventEnd") > 0 {
            gathered.load = r(at("loadEventEnd") - at("startTime"))
            gathered.page.vitals[.load] = gathered.load
        }
    }

    /// What the record keeps of the page: where it ended, what it logged, refused and failed.
    func summary(_ gathered: Gathered) -> BrowserSummary {
        let events = page.events.snapshot
        var summary = BrowserSummary(
            url: gathered.page.url, title: gathered.page.title, requests: events.requests.count,
            failedRequests: Array(page.events.failedRequests.prefix(20)), console: events.console.count > 50 ? Array(events.console.prefix(50)) : events.console,
            consoleErrors: events.consoleErrors, dialogs: events.dialogs, dialogCount: events.dialogCount, refused: events.refused,
            domContentLoadedMs: gathered.domContentLoaded, loadMs: gathered.load,
            lcpMs: gathered.page.vitals[.lcp], cls: gathered.page.vitals[.cls], inpMs: gathered.page.vitals[.inp],
            crashed: events.crashed ? true : nil)
        summary.failedRequestCount = gathered.page.failedRequests
        return summary
    }
}

/// A browser step in the record: the page it ended on, what the page logged and requested, and
/// each action with its time and PNG.
public struct BrowserSummary: Sendable, Codable {
    public var url: String?
    public var title: String?
    /// Requests the page made (the HAR `NN-<step>.har` has them).
    public var requests: Int
    /// The first 20 failed requests, and how many failed in all.
    public var failedRequests: [String]
    public var failedRequestCount: Int?
    /// The first 50 console messages and page errors.
    public var console: [ConsoleLine]
    public var consoleErrors: Int
    /// JavaScript dialogs, each dismissed (the first 20), and how many there were.
    public var dialogs: [String]
    public var dialogCount: Int
    /// Pop-ups and downloads refused.
    public var refused: [String]
    public var domContentLoadedMs: Double?
    public var loadMs: Double?
    public var lcpMs: Double?
    public var cls: Double?
    public var inpMs: Double?
    public var crashed: Bool?
    public var actions: [BrowserActionRecord] = []
}

/// One action of a browser step as recorded.
public struct BrowserActionRecord: Sendable, Codable {
    public var action: String
    public var selector: String?
    public var durationMs: Double
    public var error: String?
    /// The PNG taken after it, in the run folder.
    public var screenshot: String?
}
