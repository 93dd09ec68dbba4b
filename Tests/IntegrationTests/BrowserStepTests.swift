import CanaryKit
import Foundation
import Testing

/// Browser steps in headless Chromium against real pages: the fixture app served by the test
/// nginx (a login form and greeting rendered by JavaScript after a delay, console errors and a
/// failing sub-request, hostile pages) and httpbin's form. One Chromium serves the whole suite
/// (`BrowserPool.shared`), as it serves a whole `canary` process.
@Suite("Browser steps against real pages", .serialized)
struct BrowserStepTests {
    static var app: String { TestServers.nginx + "/browser-app" }

    /// The issue's canary, against the fixture app; `greeting` changes what its home page says.
    static func login(greeting: String = "Hello") -> String {
        """
        {name: "log in", browser: {url: "\(app)/login.html?greeting=\(greeting)", viewport: {width: 1280, height: 800},
          actions: [{fill: {selector: "#user", value: "{{env.USER}}"}},
                    {fill: {selector: "#password", value: "{{secret.PASSWORD}}"}},
                    {click: "button[type=submit]"}, {waitFor: {text: "Welcome"}}]},
         expect: {title: {contains: "Dashboard"}, url: {matches: "/home$"},
                  text: {"#greeting": {contains: "Hello"}}, visible: ".logout",
                  console: {errors: 0}, network: {failed: 0}, vitals: {lcp: {lt: "2.5s"}}},
         capture: {said: {selector: "#greeting"}}}
        """
    }

    static let environment = ProcessInfo.processInfo.environment.merging(["USER": "bob", "PASSWORD": "hunter2-planted"]) { _, new in new }

    @Test("the issue's canary passes against the fixture app, with a PNG after each action and the page's HAR")
    func loginPasses() async throws {
        let result = try #require(await CanaryHarness(environment: Self.environment).runStep(Self.login()))
        let step = result.record.steps[0]
        #expect(step.outcome == .passed, "\(step.error ?? "") \(step.failures)")
        #expect(step.statusCode == 200)
        #expect(step.browser?.title == "Dashboard")
        #expect(step.browser?.actions.map(\.action) == ["goto", "fill", "fill", "click", "waitFor"])
        let names = result.artifacts.map(\.name)
        #expect(names.filter { $0.hasSuffix(".png") }.count == 5, "\(names)")
        #expect(names.contains("01-log-in-a5cb8f.har"), "\(names)")
        #expect(step.timings.firstByte > 0)
    }

    @Test("a changed greeting fails the step with the selector, what was expected and what the page said")
    func greetingChanged() async throws {
        let result = try #require(await CanaryHarness(environment: Self.environment).runStep(Self.login(greeting: "Goodbye")))
        let step = result.record.steps[0]
        #expect(step.outcome == .failed)
        #expect(step.failures.map(\.message) == [#"text #greeting: expected contains "Hello", got "Goodbye, bob!""#])
    }

    @Test("the typed secret reaches no record, HAR, console line or file of the run folder")
    func secretRedacted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("canary-browser-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/login.json5"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The page echoes the password into its console and title: both must come out masked.
        let canary = "{name: \"leak\", steps: [\(Self.login(greeting: "Goodbye").replacingOccurrences(of: "{waitFor: {text: \"Welcome\"}}]", with: "{waitFor: {text: \"Welcome\"}}, {evaluate: \"console.error('typed ' + sessionStorage.getItem('user') + ' {{secret.PASSWORD}}')\"}]"))]}"
        try canary.write(toFile: file, atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", file, "--results", folder + "/r", "--artifacts", "all", "-v"], environment: Self.environment)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        #expect(!output.stdout.contains("hunter2-planted") && !output.stderr.contains("hunter2-planted"))
        let files = FileManager.default.enumerator(atPath: folder + "/r")?.allObjects as? [String] ?? []
        #expect(files.contains { $0.hasSuffix(".har") } && files.contains { $0.hasSuffix("-04-waitfor-84fe80.png") }, "\(files)")
        for name in files {
            let bytes = FileManager.default.contents(atPath: folder + "/r/" + name) ?? Data()
            #expect(bytes.range(of: Data("hunter2-planted".utf8)) == nil, "the secret is in \(name)")
        }
    }

    @Test("httpbin's form filled and submitted: the echo proves what was sent")
    func httpbinForm() async throws {
        let step = """
            {name: "order", browser: {url: "\(TestServers.httpbin)/forms/post", actions: [
               {fill: {selector: "input[name=custname]", value: "Bob Canary"}},
               {fill: {selector: "input[name=custtel]", value: "+64 4 555 0100"}},
               {check: "input[name=size][value=medium]"}, {check: "input[name=topping][value=cheese]"},
               {fill: {selector: "textarea[name=comments]", value: "ring twice"}},
               {click: "form button"}, {waitFor: {url: "/post"}}, {waitFor: "pre"}]},
             expect: {text: {pre: {contains: "\\"custname\\": \\"Bob Canary\\""}},
                      evaluate: {"JSON.parse(document.querySelector('pre').innerText).form.size": "medium",
                                 "JSON.parse(document.querySelector('pre').innerText).form.comments": "ring twice"}}}
            """
        let result = try #require(await CanaryHarness().runStep(step))
        let record = result.record.steps[0]
        #expect(record.outcome == .passed, "\(record.error ?? "") \(record.failures)")
    }

    @Test("console errors and a failing sub-request are counted, and the failure names them")
    func consoleAndNetwork() async throws {
        let step = """
            {name: "errors", browser: {url: "\(Self.app)/errors.html", actions: [{waitFor: {networkIdle: true}}]},
             expect: {console: {errors: 2}, network: {failed: 0}}}
            """
        let result = try #require(await CanaryHarness().runStep(step))
        let record = result.record.steps[0]
        let message = try #require(record.failures.first?.message)
        #expect(message.hasPrefix("network.failed: expected 0, got 2 (GET \(Self.app)/api/missing: 500"), "\(message)")
        #expect(record.browser?.console.contains(ConsoleLine(level: "error", text: "widget failed to load")) == true)
        #expect(record.browser?.console.contains { $0.level == "pageerror" && $0.text.hasPrefix("Error: late failure") } == true)
    }

    @Test("a failed action names the action, the selector and what the page showed instead")
    func actionFailure() async throws {
        let step = ##"{name: "s", browser: {url: "\##(Self.app)/index.html", actions: [{click: "#nope", timeout: "1s"}]}}"##
        let result = try #require(await CanaryHarness().runStep(step))
        let record = result.record.steps[0]
        #expect(record.error == "action 1 (click) '#nope': no element matched within 1s; the page showed 'Fixture shop' at \(Self.app)/index.html")
        #expect(record.errorKind == "timeout")
        #expect(record.browser?.actions.last?.screenshot != nil)
    }

    @Test("without a status check the page's document must be 2xx or 3xx, as for an HTTP step")
    func defaultStatus() async throws {
        let result = try #require(await CanaryHarness().runStep(#"{name: "s", browser: {url: "\#(Self.app)/no-such-page.html"}}"#))
        #expect(result.record.steps[0].failures.map(\.message) == ["status: expected 2xx or 3xx (the default without a status expectation), got 404"])
    }

    @Test("each hostile page costs its own step, with a clear reason within its timeout; the other canaries pass")
    func hostilePages() async throws {
        let attacks = ["alerts", "popups", "loop", "dom"]
        var canaries = try attacks.map { attack in
            try #require(CanaryHarness().load("""
                {name: "hostile-\(attack)", steps: [{name: "open", browser: {url: "\(Self.app)/hostile.html?attack=\(attack)", timeout: "6s"},
                  expect: {title: {contains: "Hostile"}}}]}
                """))
        }
        canaries.append(try #require(CanaryHarness().load(##"{name: "fine", steps: [{name: "open", browser: {url: "\##(Self.app)/index.html"}, expect: {text: {"#greeting": "Open"}}}]}"##)))
        let runner = Runner(engine: TestServers.engine, settings: RunSettings(variables: TestServers.variables))
        var records: [String: RunRecord] = [:]
        let clock = ContinuousClock()
        let began = clock.now
        await runner.run(canaries, jobs: 5, finish: { _ in () }, consume: { result, _ in records[result.record.canary] = result.record })
        #expect(clock.now - began < .seconds(40))
        #expect(records["fine"]?.passed == true, "\(records["fine"]?.error ?? "")")
        // The pop-up storm opened nothing; its page still loaded.
        #expect(records["hostile-popups"]?.steps[0].browser?.refused.isEmpty == false)
        for attack in ["alerts", "loop", "dom"] {
            let record = try #require(records["hostile-\(attack)"])
            #expect(record.isInconclusive == false)
            #expect(record.steps[0].durationWithin(seconds: 14), "\(attack): \(record.steps[0].timings.total) ms")
            // On a quiet machine the 50 MB of DOM is built within the step's 6 s, and then the page is what it
            // says: its step may pass. The alert loop and the endless loop can never load.
            if attack == "dom" && record.passed { continue }
            #expect(!record.passed, "\(attack)")
            let error = record.steps[0].error ?? ""
            #expect(error.hasPrefix("goto \(Self.app)/hostile.html?attack=\(attack): "), "\(error)")
            #expect(error.contains("within 6s"), "\(error)")
        }
        #expect(records["hostile-alerts"]?.steps[0].error?.contains("dialogs (dismissed)") == true)
    }
}

extension StepRecord {
    func durationWithin(seconds: Double) -> Bool { timings.total < seconds * 1000 }
}
