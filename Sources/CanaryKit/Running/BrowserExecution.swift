import CurlEngine
import Foundation

/// One browser step of one attempt: a fresh page, the step's URL, its actions in order (a PNG
/// after each), then its checks and captures on what the page shows. Our side failing (no
/// browser, the browser not answering) is a `localResource` error, never the target's failure.
struct BrowserExecution {
    let step: Step
    let browser: BrowserStep
    /// 1-based.
    let index: Int
    let canary: Canary
    let pool: BrowserPool

    /// The default limit of one action (less when the step has less left).
    static let actionTimeout = Duration.seconds(10)

    struct Output {
        var record: StepRecord
        var artifacts: [Artifact] = []
    }

    func run(interpolator: inout Interpolator) async -> Output {
        var record = StepRecord.skipped(step.name)
        record.outcome = .failed
        record.spanId = TraceContext.newSpanId()
        record.start = RunID.iso8601(Date())
        let clock = ContinuousClock()
        let stepTimeout = browser.timeout ?? canary.defaults.timeout ?? .seconds(30)
        var assertions: [Assertion] = []
        var warnChecks: [Assertion] = []
        let url: String
        do {
            url = try interpolator.renderLine(browser.url, field: "browser 'url'")
            for assertion in step.assertions { assertions.append(try interpolator.render(assertion)) }
            for check in step.warnings { warnChecks.append(try interpolator.render(check)) }
        } catch {
            record.error = "\(canary.file): step '\(step.name)': \(error)"
            record.errorKind = "interpolation"
            return Output(record: record)
        }
        record.request = RequestSummary(method: "GET", url: url)

        let chromium: Chromium
        // The step's time starts once it has a page slot: waiting behind --browser-jobs is ours.
        let leased = await pool.lease()
        let began = clock.now
        let deadline = began + stepTimeout
        switch leased {
        case .success(let leased): chromium = leased
        case .failure(.cancelled):
            record.error = "cancelled while waiting for a browser page (--browser-jobs)"
            record.errorKind = TransferError.Kind.cancelled.rawValue
            return Output(record: record)
        case .failure(let error):
            record.error = "our browser is unavailable: \(error)"
            record.errorKind = TransferError.Kind.localResource.rawValue
            return Output(record: record)
        }
        let page: PageSession
        do {
            page = try await PageSession.open(in: chromium, viewport: browser.viewport, timeout: .seconds(10))
        } catch {
            await pool.giveBack()
            if case .cancelled = error {
                record.error = "cancelled"
                record.errorKind = TransferError.Kind.cancelled.rawValue
            } else {
                // The browser itself stopped answering: ours, and the next step gets a new one.
                await pool.discard(chromium)
                record.error = "our browser did not open a page: \(error)"
                record.errorKind = TransferError.Kind.localResource.rawValue
            }
            return Output(record: record)
        }
        var session = BrowserRun(page: page, step: step, index: index, deadline: deadline, stepTimeout: stepTimeout)
        let output = await session.drive(url: url, actions: browser.actions, assertions: assertions, warnings: warnChecks,
                                         record: record, interpolator: &interpolator)
        page.close()
        await pool.giveBack()
        var finished = output
        finished.record.timings.total = ((clock.now - began).milliseconds * 1000).rounded() / 1000
        return finished
    }
}

/// The actions and checks of one browser step on its page.
struct BrowserRun {
    let page: PageSession
    let step: Step
    let index: Int
    let deadline: ContinuousClock.Instant
    let stepTimeout: Duration
    private var artifacts: [Artifact] = []
    private var actionRecords: [BrowserActionRecord] = []
    /// Set when the page stopped answering (a script in a loop): what is left is tried briefly.
    private var unresponsive = false

    init(page: PageSession, step: Step, index: Int, deadline: ContinuousClock.Instant, stepTimeout: Duration) {
        self.page = page
        self.step = step
        self.index = index
        self.deadline = deadline
        self.stepTimeout = stepTimeout
    }

    private var driver: PageDriver { PageDriver(page: page) }

    /// `01-login`: the start of this step's file names.
    private var baseName: String { String(format: "%02d-", index) + NameSlug.slug(step.name) }

    mutating func drive(
        url: String, actions: [BrowserAction], assertions: [Assertion], warnings: [Assertion],
        record: StepRecord, interpolator: inout Interpolator
    ) async -> BrowserExecution.Output {
        var record = record
        let all = [BrowserAction(.goto(.literal(url)))] + actions
        for (number, action) in all.enumerated() {
            let started = ContinuousClock.now
            let actionDeadline = min(deadline, started + (action.timeout ?? BrowserExecution.actionTimeout))
            let allowed = min(action.timeout ?? BrowserExecution.actionTimeout, stepTimeout)
            let label = number == 0 ? "goto \(url)" : "action \(number) (\(action.name))"
            var rendered: PageAction?
            do {
                rendered = try Self.render(action, number == 0 ? url : nil, &interpolator)
            } catch {
                record.error = "\(label): \(error)"
                record.errorKind = "interpolation"
            }
            if let rendered {
                do throws(ActionFailure) {
                    let value = try await driver.perform(rendered, until: actionDeadline)
                    if case .evaluate(_, let capture?) = action.kind {
                        let text = value.map { if case .string(let s) = $0 { s } else { $0.compactJSONText } } ?? ""
                        interpolator.set(capture, text, json: value)
                    }
                    if case .screenshot(let name) = action.kind, let png = await driver.screenshot(fullPage: true, until: deadline) {
                        artifacts.append(Artifact(name: "\(baseName)-\(NameSlug.slug(name)).png", bytes: png))
                    }
                } catch {
                    record.error = await describe(error, label: label, action: rendered, allowed: allowed)
                    record.errorKind = Self.kind(of: error)
                }
            }
            let shot = await screenshot(after: number, name: number == 0 ? "goto" : action.name, failed: record.error != nil)
            actionRecords.append(BrowserActionRecord(
                action: number == 0 ? "goto" : action.name, selector: rendered?.selector,
                durationMs: ((ContinuousClock.now - started).milliseconds * 1000).rounded() / 1000,
                error: record.error, screenshot: shot))
            if record.error != nil || Task.isCancelled { break }
        }
        if record.error == nil, Task.isCancelled {
            record.error = "cancelled"
            record.errorKind = TransferError.Kind.cancelled.rawValue
        }
        let facts = unresponsive ? Gathered() : await gather(assertions + warnings, interpolator: interpolator)
        record.statusCode = page.events.snapshot.documentStatus ?? 0
        record.timings = facts.timings
        record.response = ResponseSummary(
            httpVersion: "", size: 0, redirects: 0, effectiveURL: facts.page.url ?? "", primaryIP: "", newConnections: 0,
            certificateNotAfter: nil)
        record.browser = summary(facts)
        artifacts.append(Artifact(name: baseName + ".har", bytes: BrowserHAR.render(page.events.snapshot.requests, page: facts.page, redactor: Redactor(secrets: interpolator.secretValues)), text: true))
        if record.error == nil {
            var responseFacts = ResponseFacts(status: record.statusCode, bodyJSON: nil, durationMs: (ContinuousClock.now - (deadline - stepTimeout)).milliseconds, timings: facts.timings)
            responseFacts.page = facts.page
            responseFacts.redactor = Redactor(secrets: interpolator.secretValues)
            step.check(responseFacts, assertions: assertions, warnings: warnings, into: &record, interpolator: &interpolator)
            explain(&record.failures, redactor: responseFacts.redactor)
            // As an HTTP step: without a status check, the page's document must be 2xx or 3xx.
            if record.statusCode != 0, let failure = AssertionEvaluator.defaultStatus(record.statusCode, assertions: assertions) {
                record.failures.insert(failure, at: 0)
                record.outcome = .failed
            }
            if record.outcome == .failed, let last = actionRecords.indices.last, actionRecords[last].screenshot == nil {
                actionRecords[last].screenshot = await screenshot(after: actionRecords.count, name: "failed", failed: true)
            }
        }
        record.browser?.actions = actionRecords
        return BrowserExecution.Output(record: record, artifacts: artifacts)
    }

    /// The PNG after an action; kept only when the run's folder is written (a failed run, or
    /// `--artifacts all`).
    private mutating func screenshot(after number: Int, name: String, failed: Bool) async -> String? {
        // A stuck page gets a short try at the failure: the step's time may already be spent.
        let until = ContinuousClock.now + (unresponsive ? .milliseconds(500) : failed ? .seconds(2) : .seconds(5))
        guard let png = await driver.screenshot(fullPage: false, until: until) else { return nil }
        let file = String(format: "%@-%02d-%@.png", baseName, number, NameSlug.slug(name))
        artifacts.append(Artifact(name: file, bytes: png, keptOnlyWithFolder: true))
        return file
    }

    /// A console or network count that failed names the first messages or requests behind it.
    private func explain(_ failures: inout [AssertionFailure], redactor: Redactor) {
        let events = page.events.snapshot
        for index in failures.indices {
            let examples: [String]
            switch failures[index].assertion {
            case Query.PageFact.consoleErrors.rawValue:
                examples = events.console.filter { $0.level == "error" || $0.level == "pageerror" || $0.level == "assert" }.map { "\($0.level): \($0.text)" }
            case Query.PageFact.networkFailed.rawValue:
                examples = page.events.failedRequests
            default:
                continue
            }
            guard !examples.isEmpty else { continue }
            let shown = examples.prefix(3).map { redactor.redact(String($0.prefix(200))) }.joined(separator: "; ")
            failures[index].message += " (\(shown)\(examples.count > 3 ? "; …" : ""))"
        }
    }

    /// `goto https://…: no element matched within 5s; the page showed 'Login' at https://…/login`.
    private mutating func describe(_ failure: ActionFailure, label: String, action: PageAction, allowed: Duration) async -> String {
        var message = label
        if let selector = action.selector { message += " '\(selector)'" }
        switch action {
        case .waitForText(let text): message += " for text '\(text)'"
        case .waitForURL(let part): message += " for a URL containing '\(part)'"
        default: break
        }
        message += ": " + failure.message
        if failure.timedOut { message += " within \(allowed.humanText)" }
        let state = page.events.snapshot
        // Our browser went away: there is no page to ask, and nothing of it was the target's doing.
        if page.chromium.connection.isClosed {
            unresponsive = true
            return message
        }
        if let shown = try? await page.evaluate("({title: document.title, url: location.href})", timeout: .seconds(1)) {
            message += "; the page showed '\(shown["title"]?.stringValue ?? "")' at \(shown["url"]?.stringValue ?? "?")"
        } else if !state.crashed {
            unresponsive = true
            message += "; the page did not answer (a script still running?)"
        }
        if state.crashed { message += "; the page's renderer crashed" }
        if state.dialogCount > 0 { message += "; it opened \(state.dialogCount) dialog\(state.dialogCount == 1 ? "" : "s") (dismissed)" }
        if !state.refused.isEmpty { message += "; refused: \(state.refused.count) pop-up\(state.refused.count == 1 ? "" : "s") or download\(state.refused.count == 1 ? "" : "s")" }
        return message
    }

    private static func kind(of failure: ActionFailure) -> String {
        if failure.message == "cancelled" { return TransferError.Kind.cancelled.rawValue }
        if failure.message.hasPrefix("the browser is gone") { return TransferError.Kind.localResource.rawValue }
        return failure.timedOut ? TransferError.Kind.timeout.rawValue : "browserAction"
    }

    private static func render(_ action: BrowserAction, _ url: String?, _ i: inout Interpolator) throws(InterpolationError) -> PageAction {
        func text(_ template: Template) throws(InterpolationError) -> String { try i.render(template) }
        switch action.kind {
        case .goto(let template):
            if let url { return .goto(url) }
            return .goto(try i.renderLine(template, field: "goto"))
        case .click(let selector): return .click(try text(selector))
        case .fill(let selector, let value): return .fill(selector: try text(selector), value: try text(value))
        case .press(let key, let selector): return .press(key: key, selector: try selector.map { (t: Template) throws(InterpolationError) -> String in try text(t) })
        case .select(let selector, let value): return .select(selector: try text(selector), value: try text(value))
        case .check(let selector, let checked): return .check(selector: try text(selector), checked: checked)
        case .hover(let selector): return .hover(try text(selector))
        case .waitFor(.selector(let selector)): return .waitForSelector(try text(selector))
        case .waitFor(.text(let value)): return .waitForText(try text(value))
        case .waitFor(.url(let value)): return .waitForURL(try text(value))
        case .waitFor(.networkIdle): return .waitForNetworkIdle
        case .scroll(let selector, let x, let y): return .scroll(selector: try selector.map { (t: Template) throws(InterpolationError) -> String in try text(t) }, x: x, y: y)
        case .screenshot(let name): return .screenshot(name)
        case .evaluate(let script, _): return .evaluate(try text(script))
        }
    }
}
