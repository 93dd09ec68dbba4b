/// `browser: {url, viewport?, actions?, timeout?}`: open `url` in a fresh headless-Chromium
/// context, perform the actions in order, then check what the page shows.
public struct BrowserStep: Sendable {
    public var url: Template
    public var viewport: Viewport
    public var actions: [BrowserAction]
    /// Limit for the whole step; nil: `defaults.timeout`, else 30 s.
    public var timeout: Duration?

    public init(url: Template, viewport: Viewport = Viewport(), actions: [BrowserAction] = [], timeout: Duration? = nil) {
        self.url = url
        self.viewport = viewport
        self.actions = actions
        self.timeout = timeout
    }

    /// The browser window, in CSS pixels.
    public struct Viewport: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public init(width: Int = 1280, height: Int = 800) {
            self.width = width
            self.height = height
        }
    }

    static let viewportWidths = 200...3840
    static let viewportHeights = 200...2160

    /// Every template of the step: its URL and each action's selectors and values.
    var templates: [Template] { [url] + actions.flatMap(\.templates) }
}

/// One thing a browser step does to its page, with its own time limit.
public struct BrowserAction: Sendable {
    public var kind: Kind
    /// nil: 10 s, or what is left of the step's timeout when less.
    public var timeout: Duration?
    public var location: SourceLocation?

    public init(_ kind: Kind, timeout: Duration? = nil, location: SourceLocation? = nil) {
        self.kind = kind
        self.timeout = timeout
        self.location = location
    }

    public enum Kind: Sendable {
        /// Load a URL and wait for its load event.
        case goto(Template)
        /// Click the middle of the first element matching the CSS selector, once it is visible.
        case click(Template)
        /// Replace the field's value by typing `value`.
        case fill(selector: Template, value: Template)
        /// A key (`Enter`, `Tab`, `a`), into the element matching `selector` if given.
        case press(key: String, selector: Template?)
        /// Choose the option of a `<select>` whose value (or label) is `value`.
        case select(selector: Template, value: Template)
        /// Tick (or untick) a checkbox or radio button.
        case check(selector: Template, checked: Bool)
        case hover(Template)
        case waitFor(WaitCondition)
        /// Scroll an element into view, or the window by `x`/`y` pixels.
        case scroll(selector: Template?, x: Int, y: Int)
        /// A full-page PNG under this name (beside the one taken after every action).
        case screenshot(String)
        /// JavaScript run in the page (promises awaited); its value optionally captured.
        case evaluate(script: Template, capture: String?)
    }

    public enum WaitCondition: Sendable {
        /// An element matching the CSS selector is visible.
        case selector(Template)
        /// The page's visible text contains this.
        case text(Template)
        /// The page's URL contains this.
        case url(Template)
        /// No request of the page in flight for 500 ms.
        case networkIdle
    }

    /// The key that names the action in a canary file and in records.
    public var name: String {
        switch kind {
        case .goto: "goto"
        case .click: "click"
        case .fill: "fill"
        case .press: "press"
        case .select: "select"
        case .check: "check"
        case .hover: "hover"
        case .waitFor: "waitFor"
        case .scroll: "scroll"
        case .screenshot: "screenshot"
        case .evaluate: "evaluate"
        }
    }

    var templates: [Template] {
        switch kind {
        case .goto(let url): [url]
        case .click(let selector), .hover(let selector): [selector]
        case .fill(let selector, let value), .select(let selector, let value): [selector, value]
        case .press(_, let selector): selector.map { [$0] } ?? []
        case .check(let selector, _): [selector]
        case .waitFor(.selector(let t)), .waitFor(.text(let t)), .waitFor(.url(let t)): [t]
        case .waitFor(.networkIdle): []
        case .scroll(let selector, _, _): selector.map { [$0] } ?? []
        case .screenshot: []
        case .evaluate(let script, _): [script]
        }
    }

    /// The action names, the keys of an action object.
    public static let names = ["goto", "click", "fill", "press", "select", "check", "hover", "waitFor", "scroll", "screenshot", "evaluate"]
}
