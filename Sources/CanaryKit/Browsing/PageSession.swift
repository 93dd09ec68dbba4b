import Foundation

/// One page in a browser context of its own (no cookies, storage or cache shared with any
/// other run), attached over the pipe as a flat session. `close()` disposes of the context,
/// which closes the page even when its renderer is stuck in a loop.
final class PageSession: Sendable {
    let chromium: Chromium
    let contextId: String
    let targetId: String
    let sessionId: String
    let events = PageEvents()

    /// Installed before any script of every document: web-vitals observers (LCP, CLS, INP from
    /// event timing), and `window.open` refused so a pop-up storm opens nothing.
    static let bootstrap = """
        (() => {
          const v = window.__canaryVitals = {lcp: null, cls: 0, inp: null};
          try { new PerformanceObserver(l => { for (const e of l.getEntries()) v.lcp = e.renderTime || e.startTime; })
                  .observe({type: 'largest-contentful-paint', buffered: true}); } catch (e) {}
          try { new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) v.cls += e.value; })
                  .observe({type: 'layout-shift', buffered: true}); } catch (e) {}
          try { new PerformanceObserver(l => { for (const e of l.getEntries()) if (e.interactionId) v.inp = Math.max(v.inp || 0, e.duration); })
                  .observe({type: 'event', buffered: true, durationThreshold: 16}); } catch (e) {}
          // The first input is reported whatever its duration: a quick page still gets an INP.
          try { new PerformanceObserver(l => { for (const e of l.getEntries()) v.inp = Math.max(v.inp || 0, e.duration); })
                  .observe({type: 'first-input', buffered: true}); } catch (e) {}
          const refuse = () => { try { console.warn('canary: window.open refused'); } catch (e) {} return null; };
          try { Object.defineProperty(window, 'open', {value: refuse, writable: false, configurable: false}); } catch (e) {}
        })();
        """

    private init(chromium: Chromium, contextId: String, targetId: String, sessionId: String) {
        self.chromium = chromium
        self.contextId = contextId
        self.targetId = targetId
        self.sessionId = sessionId
    }

    /// A new context, a blank page in it attached and instrumented, at the given size.
    static func open(in chromium: Chromium, viewport: BrowserStep.Viewport, timeout: Duration) async throws(BrowserError) -> PageSession {
        let connection = chromium.connection
        let context = try await connection.send("Target.createBrowserContext", [("disposeOnDetach", .bool(true))], timeout: timeout)
        guard let contextId = context["browserContextId"]?.stringValue else { throw .protocolError("no browserContextId") }
        do throws(BrowserError) {
            _ = try await connection.send("Browser.setDownloadBehavior", [
                ("behavior", .string("deny")), ("browserContextId", .string(contextId)), ("eventsEnabled", .bool(true)),
            ], timeout: timeout)
            let target = try await connection.send("Target.createTarget", [
                ("url", .string("about:blank")), ("browserContextId", .string(contextId)),
            ], timeout: timeout)
            guard let targetId = target["targetId"]?.stringValue else { throw BrowserError.protocolError("no targetId") }
            let attached = try await connection.send("Target.attachToTarget", [("targetId", .string(targetId)), ("flatten", .bool(true))], timeout: timeout)
            guard let sessionId = attached["sessionId"]?.stringValue else { throw BrowserError.protocolError("no sessionId") }
            let page = PageSession(chromium: chromium, contextId: contextId, targetId: targetId, sessionId: sessionId)
            chromium.register(page.events, context: contextId)
            connection.listen(session: sessionId) { [weak page] method, params in
                guard let page else { return }
                page.events.record(method, params) { page.post("Page.handleJavaScriptDialog", [("accept", .bool(false))]) }
            }
            for method in ["Page.enable", "Runtime.enable", "Network.enable", "Log.enable", "Inspector.enable"] {
                _ = try await page.call(method, timeout: timeout)
            }
            _ = try await page.call("Page.addScriptToEvaluateOnNewDocument", [("source", .string(bootstrap))], timeout: timeout)
            _ = try await page.call("Emulation.setDeviceMetricsOverride", [
                ("width", .number(Double(viewport.width))), ("height", .number(Double(viewport.height))),
                ("deviceScaleFactor", .number(1)), ("mobile", .bool(false)),
            ], timeout: timeout)
            return page
        } catch {
            connection.post("Target.disposeBrowserContext", [("browserContextId", .string(contextId))])
            throw error
        }
    }

    /// A command to the page's session.
    func call(_ method: String, _ params: [(key: String, value: JSONValue)] = [], timeout: Duration) async throws(BrowserError) -> JSONValue {
        if events.snapshot.crashed { throw .browserGone("the page's renderer crashed") }
        return try await chromium.connection.send(method, params, session: sessionId, timeout: timeout)
    }

    /// A command whose reply is not waited for (answering a dialog from the reader thread).
    func post(_ method: String, _ params: [(key: String, value: JSONValue)] = []) {
        chromium.connection.post(method, params, session: sessionId)
    }

    /// Runs `expression` in the page (promises awaited) and returns its JSON value; a thrown
    /// exception is an `.evaluation` failure with its description.
    func evaluate(_ expression: String, timeout: Duration) async throws(PageError) -> JSONValue? {
        let reply: JSONValue
        do {
            reply = try await call("Runtime.evaluate", [
                ("expression", .string(expression)), ("awaitPromise", .bool(true)), ("returnByValue", .bool(true)),
                ("userGesture", .bool(true)),
            ], timeout: timeout)
        } catch {
            throw .browser(error)
        }
        if let details = reply["exceptionDetails"] {
            let text = details["exception"]?["description"]?.stringValue ?? details["text"]?.stringValue ?? "exception"
            throw .evaluation(String(text.prefix(500)))
        }
        return reply["result"]?["value"]
    }

    /// Disposes of the context (and so the page); not waited for.
    func close() {
        chromium.connection.stopListening(session: sessionId)
        chromium.unregister(context: contextId)
        chromium.connection.post("Target.disposeBrowserContext", [("browserContextId", .string(contextId))])
    }
}

/// Why a command to a page failed: the browser did not answer, or the page's script threw.
enum PageError: Error {
    case browser(BrowserError)
    case evaluation(String)
}
