import Foundation
import Testing
@testable import CanaryKit

/// Browser steps in canary files: what loads, and load errors that name the place and the fix.
@Suite("Loading browser steps")
struct BrowserLoadingTests {
    @Test("the issue's step loads: actions in order, page checks, a selector capture")
    func issueStep() throws {
        let text = """
            {name: "c", steps: [{name: "log in", browser: {url: "{{base}}/login", viewport: {width: 1024, height: 700}, timeout: "20s",
              actions: [{fill: {selector: "#user", value: "{{env.USER}}"}}, {fill: {selector: "#password", value: "{{secret.PASSWORD}}"}},
                        {click: "button[type=submit]", timeout: "2s"}, {waitFor: {text: "Welcome"}}, {press: "Enter"},
                        {select: {selector: "#lang", value: "fr"}}, {check: {selector: "#remember", checked: false}}, {hover: ".menu"},
                        {scroll: {y: 400}}, {screenshot: "after"}, {evaluate: {script: "document.title", capture: "title"}}, {waitFor: {networkIdle: true}}]},
              expect: {title: {contains: "Dashboard"}, url: {matches: "/home$"}, text: {"#greeting": {contains: "Hello"}}, visible: ".logout",
                       console: {errors: 0}, network: {failed: 0}, vitals: {lcp: {lt: "2.5s"}, cls: {lt: 0.1}}, timings: {load: {lt: "3s"}},
                       evaluate: {"1 + 1": 2}},
              capture: {csrf: {selector: "input[name=csrf]", attribute: "value"}, n: {evaluate: "2 * 3"}}},
              {name: "next", request: {url: "{{base}}/?t={{title}}&c={{csrf}}"}}]}
            """
        let (loaded, problems) = loadCanary(text, variables: ["base"])
        let canary = try #require(loaded, "\(problems)")
        guard case .browser(let browser) = canary.steps[0].kind else { Issue.record("not a browser step"); return }
        #expect(browser.viewport == BrowserStep.Viewport(width: 1024, height: 700))
        #expect(browser.timeout == .seconds(20))
        #expect(browser.actions.map(\.name) == ["fill", "fill", "click", "waitFor", "press", "select", "check", "hover", "scroll", "screenshot", "evaluate", "waitFor"])
        #expect(browser.actions[2].timeout == .seconds(2))
        #expect(canary.steps[0].assertions.map(\.query.label) == [
            "title", "url", "text #greeting", "visible .logout", "console.errors", "network.failed", "vitals.lcp", "vitals.cls", "timings.load", "evaluate 1 + 1",
        ])
        #expect(canary.steps[0].captures.map(\.source) == [.selector("input[name=csrf]", attribute: "value"), .evaluate("2 * 3")])
    }

    @Test("mistakes in a browser step are reported at their place with the fix", arguments: [
        (#"{name: "s", browser: {}}"#, "1:42: canary 'c', step 's': the browser step has no 'url'; add \"url\": \"https://example.com/login\""),
        (##"{name: "s", browser: {url: "http://x/", actions: [{click: "#a", hover: "#b"}]}}"##,
         "1:71: canary 'c', step 's': action 1 does one thing: exactly one of goto, click, fill, press, select, check, hover, waitFor, scroll, screenshot, evaluate (found 'click' and 'hover'); e.g. {click: \"#go\"}"),
        (##"{name: "s", browser: {url: "http://x/", actions: [{tap: "#a"}]}}"##,
         "1:72: canary 'c', step 's': unknown key 'tap' in action 1 (allowed: goto, click, fill, press, select, check, hover, waitFor, scroll, screenshot, evaluate, timeout)"),
        (#"{name: "s", browser: {url: "http://x/", actions: [{press: "Entr"}]}}"#,
         "1:79: canary 'c', step 's': 'Entr' is not a key press knows: one character, or one of ArrowDown, ArrowLeft, ArrowRight, ArrowUp, Backspace, Delete, End, Enter, Escape, Home, PageDown, PageUp, Space, Tab; did you mean 'Enter'?"),
        (#"{name: "s", browser: {url: "http://x/", actions: [{waitFor: {text: "a", url: "b"}}]}}"#,
         "1:81: canary 'c', step 's': action 1 'waitFor' waits for exactly one of 'selector', 'text', 'url' or 'networkIdle'; e.g. {waitFor: {text: \"Welcome\"}}"),
        (#"{name: "s", browser: {url: "http://x/"}, expect: {status: 200, banner: "x"}}"#,
         "1:84: canary 'c', step 's': 'banner' checks a tcp step, not a browser step; a browser step's 'expect' takes title, url, text, visible, console, network, vitals, evaluate, status, timings, duration"),
        (#"{name: "s", request: {url: "http://x/"}, expect: {title: "x"}}"#,
         "1:71: canary 'c', step 's': 'title' checks a browser step, not an HTTP ('request') step; an HTTP ('request') step's 'expect' takes status, headers, cookies, body, json, duration, timings, size, redirects, httpVersion, certificate, visual, jsonSchema, xpath"),
        (#"{name: "s", browser: {url: "http://x/"}, capture: {a: {json: "$.a"}}}"#,
         "1:76: canary 'c', step 's': unknown key 'json' in capture 'a' (allowed: selector, attribute, evaluate, regex, secret)"),
        (#"{name: "s", browser: {url: "http://x/", viewport: {width: 10}}}"#,
         "1:79: canary 'c', step 's': viewport 'width' must be from 200 to 3840, found 10"),
    ])
    func problems(step: String, expected: String) {
        let problems = loadProblems(#"{name: "c", steps: [\#(step)]}"#)
        #expect(problems.map(\.description) == ["canaries/checkout.json:" + expected], "\(problems.map(\.description))")
    }

    @Test("fill of a secret into a field that is not a password field is a load-time warning")
    func secretFillWarning() throws {
        let text = ##"{name: "c", steps: [{name: "s", browser: {url: "http://x/", actions: [{fill: {selector: "#user", value: "{{secret.TOKEN}}"}}, {fill: {selector: "input[type=password]", value: "{{secret.TOKEN}}"}}]}}]}"##
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString).json5").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = CanaryLoader.load(paths: [file], environment: ["TOKEN": "x"])
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(outcome.warnings.map(\.message) == [
            "fill types {{secret.TOKEN}} into '#user', which does not look like a password field: the value would be visible in the step's screenshots; target an input[type=password] (a selector naming 'password')",
        ])
    }
}
