import Testing
@testable import CanaryKit

@Suite("Loading screenshot settings and expect.visual")
struct ScreenshotLoadingTests {
    @Test("defaults.screenshot applies to every step; a step's own screenshot overrides it key by key")
    func settings() throws {
        let (canary, problems) = loadCanary("""
            {defaults: {screenshot: {width: 800, fullPage: true}}, steps: [
              {name: "a", request: {url: "http://x/"}},
              {name: "b", request: {url: "http://x/"}, screenshot: {height: 400, fullPage: false}}]}
            """)
        #expect(problems.isEmpty, "\(problems)")
        let steps = try #require(canary?.steps)
        #expect(steps[0].screenshot == ScreenshotSettings(width: 800, height: 900, fullPage: true))
        #expect(steps[1].screenshot == ScreenshotSettings(width: 800, height: 400, fullPage: false))
    }

    @Test("expect.visual: maxDiff as a percentage, ignore regions; the other expectations still load")
    func visual() throws {
        let (canary, problems) = loadCanary("""
            {steps: [{request: {url: "http://x/"}, expect: {status: 200, visual: {maxDiff: "2.5%", ignore: [{x: 10, y: 20, width: 30, height: 40}]}}}]}
            """)
        #expect(problems.isEmpty, "\(problems)")
        let step = try #require(canary?.steps.first)
        #expect(step.visual == VisualExpectation(maxDiff: 0.025, ignore: [.init(x: 10, y: 20, width: 30, height: 40)]))
        #expect(step.assertions.count == 1)
        #expect(try #require(loadCanary(#"{steps: [{request: {url: "http://x/"}}]}"#).0).steps[0].visual == nil)
    }

    @Test("bad screenshot and visual settings are load problems that say what to write", arguments: [
        (#"screenshot: {width: 50}"#, "'screenshot' 'width' must be from 200 to 4096, found 50"),
        (#"screenshot: {zoom: 2}"#, "unknown key 'zoom' in 'screenshot'"),
        (#"expect: {visual: {maxDiff: 2}}"#, #"expected a percentage from "0%" to "100%" like "2%""#),
        (#"expect: {visual: {ignore: [{x: 1, y: 2, width: 3}]}}"#, "'height' is missing"),
        (#"expect: {visual: {ignore: {x: 1}}}"#, "expected a list of regions"),
    ])
    func problems(fragment: String, expected: String) {
        let problems = loadProblems(#"{steps: [{request: {url: "http://x/"}, \#(fragment)}]}"#)
        #expect(problems.count == 1 && problems.first?.message.contains(expected) == true, "\(problems)")
    }
}
