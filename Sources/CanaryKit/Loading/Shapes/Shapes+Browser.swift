/// The shapes of the `browser` step kind: the step, its actions, and the checks and captures it takes.
extension Shapes {
    private static let selector = Field("selector", .template, required: true, "A CSS selector; the first matching element is used.", example: ##""#user""##)
    private static let actionTimeout = Field("timeout", .duration, "Limit for this action (default 10s, or what is left of the step).", example: ##""5s""##)
    private static func selectorOr(_ shape: String) -> ValueKind { .anyOf([.template, .shape(shape)]) }

    static let browser = Shape(name: "browser", doc: "A page in headless Chromium: open url, perform the actions, check what it shows.", fields: [
        Field("url", .template, required: true, "The page to open first.", example: ##""{{base}}/login""##),
        Field("viewport", .shape("viewport"), "The window size in CSS pixels (default 1280×800).", example: ##"{width: 1280, height: 800}"##),
        Field("actions", .array(.shape("browserAction")), "What to do on the page, in order.",
              example: ##"[{fill: {selector: "#user", value: "bob"}}, {click: "button[type=submit]"}, {waitFor: {text: "Welcome"}}]"##),
        Field("timeout", .duration, "Limit for the whole step (default: defaults.timeout, else 30s).", example: ##""30s""##),
    ])

    static let viewport = Shape(name: "viewport", doc: "A browser window size.", fields: [
        Field("width", .integer(BrowserStep.viewportWidths), "Width in CSS pixels.", example: "1280"),
        Field("height", .integer(BrowserStep.viewportHeights), "Height in CSS pixels.", example: "800"),
    ])

    static let browserAction = Shape(name: "browserAction", doc: "One action: exactly one of its keys, and an optional timeout.", fields: [
        Field("goto", .template, "Load a URL and wait for its load event.", example: ##""{{base}}/account""##),
        Field("click", selectorOr("selectorTarget"), "Click the middle of the element, once it is visible and enabled.", example: ##""button[type=submit]""##),
        Field("fill", .shape("fillAction"), "Replace a field's text by typing a value.", example: ##"{selector: "#user", value: "bob"}"##),
        Field("press", .anyOf([.string, .shape("pressAction")]), "Press a key (Enter, Tab, Escape, ArrowDown, a letter…).", example: ##""Enter""##),
        Field("select", .shape("fillAction"), "Choose the option of a <select> by value or label.", example: ##"{selector: "#country", value: "NZ"}"##),
        Field("check", .anyOf([.template, .shape("checkAction")]), "Tick a checkbox or radio button (checked: false unticks).", example: ##""#terms""##),
        Field("hover", selectorOr("selectorTarget"), "Move the mouse over the element.", example: ##"".menu""##),
        Field("waitFor", .anyOf([.template, .shape("waitForAction")]), "Wait for a selector (a string), or text, a URL or network idle.",
              example: ##"{text: "Welcome"}"##),
        Field("scroll", .anyOf([.template, .shape("scrollAction")]), "Scroll an element into view (a selector), or the window by x/y pixels.",
              example: ##"{y: 800}"##),
        Field("screenshot", .string, "A full-page PNG under this name, beside the one taken after every action.", example: ##""basket""##),
        Field("evaluate", .anyOf([.template, .shape("evaluateAction")]), "Run JavaScript in the page; {script, capture} keeps its value as {{capture}}.",
              example: ##"{script: "document.cookie.length", capture: "cookies"}"##),
        actionTimeout,
    ], rules: [.exactlyOne(BrowserAction.names.map { [$0] })])

    static let selectorTarget = Shape(name: "selectorTarget", doc: "The element an action works on.", fields: [selector])

    static let fillAction = Shape(name: "fillAction", doc: "A field and the value to put in it.", fields: [
        selector, Field("value", .template, required: true, "The text typed (placeholders and secrets allowed).", example: ##""{{env.USER}}""##),
    ])

    static let pressAction = Shape(name: "pressAction", doc: "A key pressed, optionally into an element.", fields: [
        Field("key", .string, required: true, "Enter, Tab, Escape, Backspace, ArrowUp… or one character.", example: ##""Enter""##),
        Field("selector", .template, "Focus this element first.", example: ##""#search""##),
    ])

    static let checkAction = Shape(name: "checkAction", doc: "A checkbox or radio button and the state it must end in.", fields: [
        selector, Field("checked", .boolean, "true ticks (default), false unticks.", example: "false"),
    ])

    static let waitForAction = Shape(name: "waitForAction", doc: "What to wait for: exactly one of selector, text, url, networkIdle.", fields: [
        Field("selector", .template, "An element matching this CSS selector is visible.", example: ##""#greeting""##),
        Field("text", .template, "The page's visible text contains this.", example: ##""Welcome""##),
        Field("url", .template, "The page's URL contains this.", example: ##""/home""##),
        Field("networkIdle", .constant(true), "No request in flight for 500 ms.", example: "true"),
    ], rules: [.exactlyOne([["selector"], ["text"], ["url"], ["networkIdle"]])])

    static let scrollAction = Shape(name: "scrollAction", doc: "An element to scroll into view, or pixels to scroll the window by.", fields: [
        Field("selector", .template, "Scroll this element into view.", example: ##""footer""##),
        Field("x", .integer(-100_000...100_000), "Pixels to the right.", example: "100"),
        Field("y", .integer(-100_000...100_000), "Pixels down.", example: "800"),
    ])

    static let evaluateAction = Shape(name: "evaluateAction", doc: "JavaScript run in the page, its value optionally captured.", fields: [
        Field("script", .template, required: true, "An expression; a promise is awaited.", example: ##""document.querySelectorAll('li').length""##),
        Field("capture", .pattern(##"^[A-Za-z_][A-Za-z0-9_-]*$"##), "Keep the value as {{name}} for later actions and steps.", example: ##""items""##),
    ])

    private static func expectField(_ key: String) -> Field {
        expect.fields.first { $0.key == key } ?? Field(key, .any, "", example: "0")
    }

    static let browserExpect = Shape(name: "browserExpect", doc: "Checks on what a browser step's page shows once its actions are done.", fields: [
        Field("title", .predicate(.text), "The page's title.", example: ##"{contains: "Dashboard"}"##),
        Field("url", .predicate(.text), "The page's URL.", example: ##"{matches: "/home$"}"##),
        Field("text", .map(.predicate(.text)), "The visible text of the first element matching each CSS selector.",
              example: ##"{"#greeting": {contains: "Hello"}}"##),
        Field("visible", .anyOf([.string, .array(.string, minItems: 1)]), "A CSS selector (or a list) whose element must be visible.",
              example: ##"".logout""##),
        Field("console", .shape("consoleChecks"), "The page's console.", example: "{errors: 0}"),
        Field("network", .shape("networkChecks"), "The page's requests.", example: "{failed: 0}"),
        Field("vitals", .shape("vitals"), "Web vitals measured in the page.", example: ##"{lcp: {lt: "2.5s"}}"##),
        Field("evaluate", .map(.predicate(.any)), "JavaScript expressions evaluated in the page, and their values.",
              example: ##"{"document.querySelectorAll('li').length": {gte: 3}}"##),
        Field("status", .predicate(.statusCode), "The status of the page's last document.", example: "200"),
        Field("timings", .shape("browserTimings"), "Navigation timings of the page's last document.", example: ##"{load: {lt: "3s"}}"##),
        expectField("duration"),
    ])

    static let browserTimings = Shape(
        name: "browserTimings", doc: "Navigation timings: phases as an HTTP step's, and the document's events from the navigation's start.",
        fields: Query.Phase.allCases.map { phase in
            Field(phase.rawValue, .predicate(.duration), "Time of the \(phase.rawValue) phase.", example: ##"{lt: "200ms"}"##)
        } + [
            Field("domContentLoaded", .predicate(.duration), "DOMContentLoaded done.", example: ##"{lt: "1s"}"##),
            Field("load", .predicate(.duration), "The load event done.", example: ##"{lt: "3s"}"##),
        ])

    static let consoleChecks = Shape(name: "consoleChecks", doc: "Checks on the page's console.", fields: [
        Field("errors", .predicate(.number), required: true, "console.error calls and uncaught page errors.", example: "0"),
    ])

    static let networkChecks = Shape(name: "networkChecks", doc: "Checks on the page's requests.", fields: [
        Field("failed", .predicate(.number), required: true, "Requests that failed or got a 4xx or 5xx status.", example: "0"),
    ])

    static let vitals = Shape(name: "vitals", doc: "Web vitals, where the page gave them.", fields: [
        Field("lcp", .predicate(.duration), "Largest contentful paint.", example: ##"{lt: "2.5s"}"##),
        Field("cls", .predicate(.number), "Cumulative layout shift.", example: ##"{lt: 0.1}"##),
        Field("inp", .predicate(.duration), "Interaction to next paint (after a click or key).", example: ##"{lt: "200ms"}"##),
    ], nonEmpty: true)

    /// The keys of a browser step's capture that say where its value comes from.
    static let browserCaptureSources = ["selector", "evaluate"]

    static let browserCapture = Shape(name: "browserCapture", doc: "A value captured from a browser step's page.", fields: [
        Field("selector", .string, "The first matching element's visible text (or its attribute).", example: ##""input[name=csrf]""##),
        Field("attribute", .string, "Read this attribute of the element instead of its text.", example: ##""value""##),
        Field("evaluate", .string, "A JavaScript expression's value.", example: ##""localStorage.getItem('token')""##),
    ] + capture.fields.filter { $0.key == "regex" || $0.key == "secret" }, rules: [.exactlyOne([["selector"], ["evaluate"]])])
}
