import Foundation

/// A browser action with its placeholders filled in.
enum PageAction: Sendable {
    case goto(String)
    case click(String)
    case fill(selector: String, value: String)
    case press(key: String, selector: String?)
    case select(selector: String, value: String)
    case check(selector: String, checked: Bool)
    case hover(String)
    case waitForSelector(String)
    case waitForText(String)
    case waitForURL(String)
    case waitForNetworkIdle
    case scroll(selector: String?, x: Int, y: Int)
    case screenshot(String)
    case evaluate(String)

    /// The selector the action works on, for its failure message.
    var selector: String? {
        switch self {
        case .click(let s), .hover(let s), .waitForSelector(let s): s
        case .fill(let s, _), .select(let s, _), .check(let s, _): s
        case .press(_, let s), .scroll(let s, _, _): s
        default: nil
        }
    }
}

/// Performs actions on a page, each within its deadline. Waiting is done by polling the page
/// every 50 ms with short evaluations, each bounded by what is left of the deadline, so a page
/// stuck in a loop ends the action on time instead of hanging it.
struct PageDriver {
    let page: PageSession

    /// The value of the action (`evaluate`), or nil. Throws why the action failed, for a person.
    func perform(_ action: PageAction, until deadline: ContinuousClock.Instant) async throws(ActionFailure) -> JSONValue? {
        switch action {
        case .goto(let url):
            try await navigate(url, until: deadline)
        case .click(let selector):
            let point = try await actionable(selector, until: deadline)
            try await mouse(["mouseMoved", "mousePressed", "mouseReleased"], at: point, until: deadline)
        case .hover(let selector):
            let point = try await actionable(selector, until: deadline)
            try await mouse(["mouseMoved"], at: point, until: deadline)
        case .fill(let selector, let value):
            _ = try await actionable(selector, until: deadline)
            let cleared = try await run("""
                (() => { const el = document.querySelector(\(Self.literal(selector)));
                  if (!el || !('value' in el)) return 'not a field';
                  el.focus(); el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); return 'ok'; })()
                """, until: deadline)
            guard cleared?.stringValue == "ok" else { throw ActionFailure("the element is not a field that takes text") }
            if !value.isEmpty { _ = try await call("Input.insertText", [("text", .string(value))], until: deadline) }
            _ = try await run("document.activeElement && document.activeElement.dispatchEvent(new Event('change', {bubbles: true}))", until: deadline)
        case .press(let key, let selector):
            if let selector {
                _ = try await actionable(selector, until: deadline)
                _ = try await run("document.querySelector(\(Self.literal(selector))).focus()", until: deadline)
            }
            try await press(key, until: deadline)
        case .select(let selector, let value):
            _ = try await actionable(selector, until: deadline)
            let outcome = try await run("""
                (() => { const el = document.querySelector(\(Self.literal(selector))); const v = \(Self.literal(value));
                  if (!(el instanceof HTMLSelectElement)) return 'the element is not a <select>';
                  const o = [...el.options].find(o => o.value === v) || [...el.options].find(o => o.label === v || o.text.trim() === v);
                  if (!o) return 'no option has the value or label ' + JSON.stringify(v) + '; it has ' + [...el.options].map(o => JSON.stringify(o.value)).slice(0, 10).join(', ');
                  el.value = o.value; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return 'ok'; })()
                """, until: deadline)
            if let problem = outcome?.stringValue, problem != "ok" { throw ActionFailure(problem) }
        case .check(let selector, let checked):
            _ = try await actionable(selector, until: deadline)
            let outcome = try await run("""
                (() => { const el = document.querySelector(\(Self.literal(selector)));
                  if (!('checked' in el)) return 'the element is not a checkbox or radio button';
                  if (el.checked !== \(checked)) el.click(); return el.checked === \(checked) ? 'ok' : 'the page kept it \(checked ? "unticked" : "ticked")'; })()
                """, until: deadline)
            if let problem = outcome?.stringValue, problem != "ok" { throw ActionFailure(problem) }
        case .waitForSelector(let selector):
            _ = try await actionable(selector, until: deadline, scroll: false)
        case .waitForText(let text):
            try await poll("the text did not appear", until: deadline) { () async throws(ActionFailure) -> Bool in
                try await run("!!document.body && document.body.innerText.includes(\(Self.literal(text)))", until: deadline)?.boolValue == true
            }
        case .waitForURL(let part):
            try await poll("the URL did not come to contain it", until: deadline) { () async throws(ActionFailure) -> Bool in
                try await run("location.href.includes(\(Self.literal(part)))", until: deadline)?.boolValue == true
            }
        case .waitForNetworkIdle:
            try await poll("requests were still in flight", until: deadline) {
                let state = page.events.snapshot
                return state.inFlight.isEmpty && ContinuousClock.now - state.lastNetworkChange >= .milliseconds(500)
            }
        case .scroll(let selector, let x, let y):
            if let selector {
                _ = try await actionable(selector, until: deadline)
            } else {
                _ = try await run("window.scrollBy(\(x), \(y))", until: deadline)
            }
        case .screenshot:
            return nil  // taken by the step, which names the file
        case .evaluate(let script):
            do {
                return try await page.evaluate(script, timeout: remaining(deadline))
            } catch {
                throw Self.failure(error, script: true)
            }
        }
        return nil
    }

    /// A PNG of the viewport (or the whole page); nil when the page could not be captured in time.
    func screenshot(fullPage: Bool, until deadline: ContinuousClock.Instant) async -> [UInt8]? {
        var params: [(key: String, value: JSONValue)] = [("format", .string("png"))]
        if fullPage { params.append(("captureBeyondViewport", .bool(true))) }
        guard let reply = try? await page.call("Page.captureScreenshot", params, timeout: remaining(deadline)),
              let base64 = reply["data"]?.stringValue, let data = Data(base64Encoded: base64) else { return nil }
        return Array(data)
    }

    // MARK: - Steps of actions

    private func navigate(_ url: String, until deadline: ContinuousClock.Instant) async throws(ActionFailure) {
        let loadsBefore = page.events.snapshot.loads
        let reply = try await call("Page.navigate", [("url", .string(url))], until: deadline)
        if let error = reply["errorText"]?.stringValue, !error.isEmpty {
            throw ActionFailure("the browser could not load \(url): \(error)")
        }
        // A same-document navigation (a #fragment) has no loader and fires no load event.
        guard reply["loaderId"]?.stringValue != nil else { return }
        try await poll("the page did not finish loading (no load event)", until: deadline) {
            page.events.snapshot.loads > loadsBefore
        }
    }

    /// Waits until the first element matching `selector` is visible and enabled, scrolls it to
    /// the middle of the window, and returns its centre.
    private func actionable(_ selector: String, until deadline: ContinuousClock.Instant, scroll: Bool = true) async throws(ActionFailure) -> (x: Double, y: Double) {
        let script = """
            (() => { let el; try { el = document.querySelector(\(Self.literal(selector))); } catch (e) { return {state: 'invalid'}; }
              if (!el) return {state: 'missing'};
              const st = getComputedStyle(el); let r = el.getBoundingClientRect();
              if (r.width === 0 || r.height === 0 || st.visibility === 'hidden' || st.display === 'none') return {state: 'hidden'};
              if (el.disabled) return {state: 'disabled'};
              \(scroll ? "el.scrollIntoView({block: 'center', inline: 'center'}); r = el.getBoundingClientRect();" : "")
              return {state: 'ok', x: r.left + r.width / 2, y: r.top + r.height / 2}; })()
            """
        var last = "missing"
        var point = (x: 0.0, y: 0.0)
        do throws(ActionFailure) {
            try await poll("", until: deadline) { () async throws(ActionFailure) -> Bool in
                let value = try await run(script, until: deadline)
                last = value?["state"]?.stringValue ?? "missing"
                if last == "invalid" { throw ActionFailure("'\(selector)' is not a valid CSS selector") }
                point = (value?["x"]?.numberValue ?? 0, value?["y"]?.numberValue ?? 0)
                return last == "ok"
            }
        } catch where error.message.isEmpty {
            let state = ["missing": "no element matched", "hidden": "an element matched but is not visible", "disabled": "the element is disabled"][last] ?? last
            throw ActionFailure(state, timedOut: error.timedOut)
        }
        return point
    }

    private func mouse(_ types: [String], at point: (x: Double, y: Double), until deadline: ContinuousClock.Instant) async throws(ActionFailure) {
        for type in types {
            var params: [(key: String, value: JSONValue)] = [("type", .string(type)), ("x", .number(point.x)), ("y", .number(point.y))]
            if type != "mouseMoved" { params += [("button", .string("left")), ("clickCount", .number(1))] }
            _ = try await call("Input.dispatchMouseEvent", params, until: deadline)
        }
    }

    /// Named keys with their codes; any single character is typed as itself.
    private static let keys: [String: (code: String, keyCode: Int, text: String?)] = [
        "Enter": ("Enter", 13, "\r"), "Tab": ("Tab", 9, nil), "Escape": ("Escape", 27, nil), "Backspace": ("Backspace", 8, nil),
        "Delete": ("Delete", 46, nil), "ArrowUp": ("ArrowUp", 38, nil), "ArrowDown": ("ArrowDown", 40, nil),
        "ArrowLeft": ("ArrowLeft", 37, nil), "ArrowRight": ("ArrowRight", 39, nil), "Home": ("Home", 36, nil),
        "End": ("End", 35, nil), "PageUp": ("PageUp", 33, nil), "PageDown": ("PageDown", 34, nil), "Space": ("Space", 32, " "),
    ]
    static let keyNames = keys.keys.sorted()

    private func press(_ key: String, until deadline: ContinuousClock.Instant) async throws(ActionFailure) {
        let named = Self.keys[key]
        let text = named?.text ?? (key.count == 1 ? key : nil)
        var down: [(key: String, value: JSONValue)] = [("type", .string(text == nil ? "rawKeyDown" : "keyDown")), ("key", .string(key == "Space" ? " " : key))]
        if let named { down += [("code", .string(named.code)), ("windowsVirtualKeyCode", .number(Double(named.keyCode)))] }
        if let text { down += [("text", .string(text)), ("unmodifiedText", .string(text))] }
        _ = try await call("Input.dispatchKeyEvent", down, until: deadline)
        var up: [(key: String, value: JSONValue)] = [("type", .string("keyUp")), ("key", .string(key == "Space" ? " " : key))]
        if let named { up += [("code", .string(named.code)), ("windowsVirtualKeyCode", .number(Double(named.keyCode)))] }
        _ = try await call("Input.dispatchKeyEvent", up, until: deadline)
    }

    // MARK: - Plumbing

    /// Checks `condition` every 50 ms until it holds; past the deadline, fails with `what`.
    private func poll(_ what: String, until deadline: ContinuousClock.Instant, _ condition: () async throws(ActionFailure) -> Bool) async throws(ActionFailure) {
        while true {
            if try await condition() { return }
            if page.events.snapshot.crashed { throw ActionFailure("the page's renderer crashed") }
            if ContinuousClock.now >= deadline { throw ActionFailure(what, timedOut: true) }
            do {
                try await Task.sleep(for: min(.milliseconds(50), max(.zero, deadline - .now)))
            } catch {
                throw ActionFailure("cancelled")
            }
        }
    }

    private func run(_ script: String, until deadline: ContinuousClock.Instant) async throws(ActionFailure) -> JSONValue? {
        do {
            return try await page.evaluate(script, timeout: remaining(deadline))
        } catch {
            throw Self.failure(error, script: false)
        }
    }

    private func call(_ method: String, _ params: [(key: String, value: JSONValue)], until deadline: ContinuousClock.Instant) async throws(ActionFailure) -> JSONValue {
        do {
            return try await page.call(method, params, timeout: remaining(deadline))
        } catch {
            throw Self.failure(.browser(error), script: false)
        }
    }

    private static func failure(_ error: PageError, script: Bool) -> ActionFailure {
        switch error {
        case .evaluation(let text): ActionFailure(script ? "the script threw \(text)" : "the page's script failed: \(text)")
        case .browser(.timedOut): ActionFailure("the page did not answer (busy in a script?)", timedOut: true)
        case .browser(let error): ActionFailure("\(error)")
        }
    }

    /// What a command may take: the rest of the deadline, but never less than half a second, so a
    /// poll that starts just before the deadline is not mistaken for a page that stopped answering.
    private func remaining(_ deadline: ContinuousClock.Instant) -> Duration {
        max(.milliseconds(500), deadline - .now)
    }

    /// `text` as a JavaScript string literal (JSON's quoting is valid JavaScript).
    static func literal(_ text: String) -> String {
        JSON5.serialize(.string(text))
    }
}

/// Why an action failed, before the step adds which action and what the page showed.
struct ActionFailure: Error {
    var message: String
    /// The action's time ran out (the step adds "within 5s").
    var timedOut = false
    init(_ message: String, timedOut: Bool = false) {
        self.message = message
        self.timedOut = timedOut
    }
    var suffix: String { timedOut ? " (timed out)" : "" }
}
