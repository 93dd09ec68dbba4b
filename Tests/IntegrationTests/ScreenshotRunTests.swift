import CanaryKit
import Foundation
import Testing

/// `canary run` end to end: the page is HTML chosen by the test, served by httpbin's /base64.
@Suite("Screenshots in canary run", .serialized)
struct ScreenshotRunTests {
    /// httpbin answers /base64/X with X decoded, as text/html.
    private func pageURL(_ html: String) -> String {
        let encoded = Data(html.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return "{{httpbin}}/base64/" + encoded
    }

    private func run(_ canary: String, in folder: String, _ extra: [String] = []) async throws -> CLI.Output {
        try canary.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        return try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r"] + extra + TestServers.varArguments)
    }

    /// The newest run folder of `canary` and its run.json's steps.
    /// The canary's newest run by the log's order: two runs within one second have run ids that
    /// sort by their random suffix, not by time.
    private func lastRun(_ folder: String, _ canary: String) throws -> (path: String, steps: [[String: Any]]) {
        let runId = try #require(EventsFiles.runRecords(folder + "/r").last { $0["canary"] as? String == canary }?["runId"] as? String)
        let path = folder + "/r/" + canary + "/" + runId
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + "/run.json"))) as? [String: Any]
        return (path, json?["steps"] as? [[String: Any]] ?? [])
    }

    private func executable(_ folder: String, _ name: String, _ script: String) throws -> String {
        let path = folder + "/" + name
        try ("#!/bin/sh\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test("a screenshot that is not written is a console warning and a screenshot error in the record", arguments: [
        ("missing", "", "cannot start"),
        ("hanging", "exec sleep 30", "did not finish the screenshot within 1s"),
        ("crashing", "kill -SEGV $$", "crashed (signal 11)"),
        ("navigated away (exits 0, writes nothing)", "exit 0", "exited without writing a screenshot"),
        ("empty image", #"for a in "$@"; do case $a in --screenshot=*) : > "${a#--screenshot=}";; esac; done"#, "empty or unreadable image"),
    ])
    func neverSilent(cause: String, script: String, expected: String) async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let browser = script.isEmpty ? folder + "/no-such-browser" : try executable(folder, "browser", script)
        let canary = #"{name: "shot", steps: [{name: "page", request: {url: "\#(pageURL("<h1>error page</h1>"))"}, expect: {status: 500}}]}"#
        let started = ContinuousClock.now
        let output = try await run(canary, in: folder, ["--browser", browser, "--screenshot-timeout", "1s"])
        #expect(ContinuousClock.now - started < .seconds(10), "\(cause)")
        #expect(output.status == 1, "\(cause): \(output.stderr)")
        #expect(output.stderr.contains("warning: screenshot of shot step page: ") && output.stderr.contains(expected), "\(cause): \(output.stderr)")
        let (path, steps) = try lastRun(folder, "shot")
        let recorded = (steps.first?["screenshot"] as? [String: Any])?["error"] as? String
        #expect(recorded?.contains(expected) == true, "\(cause): \(String(describing: recorded))")
        #expect(!FileManager.default.fileExists(atPath: path + "/01-page.png"))
    }

    @Test("without Chromium on PATH, the default says so once per run, and records nothing against the steps")
    func noBrowserNotice() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/canaries", withIntermediateDirectories: true)
        for name in ["a", "b"] {
            try #"{name: "\#(name)", steps: [{name: "page", request: {url: "\#(pageURL("<h1>down</h1>"))"}, expect: {status: 500}}]}"#
                .write(toFile: folder + "/canaries/\(name).json", atomically: true, encoding: .utf8)
        }
        let output = try await CLI.run(
            ["run", folder + "/canaries", "--results", folder + "/r"] + TestServers.varArguments, environment: ["PATH": folder + "/empty"])
        #expect(output.status == 1)
        #expect(output.stderr.components(separatedBy: "note: no Chromium found").count == 2, "\(output.stderr)")
        #expect(!output.stderr.contains("warning: screenshot"), "\(output.stderr)")
        #expect(try lastRun(folder, "a").steps.first?["screenshot"] == nil)
        let silenced = try await CLI.run(
            ["run", folder + "/canaries", "--results", folder + "/r", "--screenshots", "none"] + TestServers.varArguments,
            environment: ["PATH": folder + "/empty"])
        #expect(!silenced.stderr.contains("note:"), "\(silenced.stderr)")
    }

    @Test("a slow screenshot does not hold up the next canary: with --jobs 1 it starts while the first one renders")
    func renderingOffTheSlot() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let browser = try executable(folder, "browser", "exec sleep 30")
        try FileManager.default.createDirectory(atPath: folder + "/canaries", withIntermediateDirectories: true)
        try #"{name: "a-failing", steps: [{request: {url: "\#(pageURL("<h1>down</h1>"))"}, expect: {status: 500}}]}"#
            .write(toFile: folder + "/canaries/a.json", atomically: true, encoding: .utf8)
        try #"{name: "b-passing", steps: [{request: {url: "{{httpbin}}/get"}, expect: {status: 200}}]}"#
            .write(toFile: folder + "/canaries/b.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(
            ["run", folder + "/canaries", "--results", folder + "/r", "--jobs", "1", "--browser", browser, "--screenshot-timeout", "3s"]
                + TestServers.varArguments)
        #expect(output.status == 1, "\(output.stderr)")
        let records = try RunLogFiles.text(folder + "/r").split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        // Records are logged as they finish: the passing canary, not held by the render, first.
        #expect(records.map { $0["canary"] as? String } == ["b-passing", "a-failing"])
        let dates = ISO8601DateFormatter()
        dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func date(_ record: [String: Any]?, _ key: String) -> Date? { (record?[key] as? String).flatMap(dates.date(from:)) }
        let failing = records.first { $0["canary"] as? String == "a-failing" }, passing = records.first { $0["canary"] as? String == "b-passing" }
        let failingEnd = try #require(date(failing, "end")), passingStart = try #require(date(passing, "start"))
        #expect(passingStart.timeIntervalSince(failingEnd) < 1, "b started \(passingStart.timeIntervalSince(failingEnd)) s after a ended")
    }

    @Test("with no flag, every failing step's HTML gets its PNG, named in the record; passing steps get none")
    func failingStepsByDefault() async throws {
        guard screenshotBrowser() != nil else { return }
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canary = #"""
            {name: "shop", steps: [
              {name: "home", request: {url: "\#(pageURL("<h1>home</h1>"))"}, expect: {status: 200}},
              {name: "cart", request: {url: "\#(pageURL("<h1>Internal error in the cart</h1>"))"}, expect: {body: {contains: "Your cart"}}, screenshot: {width: 400, height: 300}}]}
            """#
        let output = try await run(canary, in: folder)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        #expect(!output.stderr.contains("warning: screenshot"), "\(output.stderr)")
        let (path, steps) = try lastRun(folder, "shop")
        #expect(!FileManager.default.fileExists(atPath: path + "/01-home.png"))
        let png = try PNGImage(png: Array(try Data(contentsOf: URL(fileURLWithPath: path + "/02-cart.png"))))
        #expect(png.width == 400 && png.height == 300)
        #expect((steps.last?["screenshot"] as? [String: Any])?["file"] as? String == "02-cart.png")
        #expect(steps.first?["screenshot"] == nil)
        let report = try await CLI.run(["report", "--results", folder + "/r", "-o", folder + "/report.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.contains("/02-cart.png\">screenshot</a>"), "the report links the failing step's screenshot")
    }

    @Test("visual monitoring: passes unchanged, fails changed with the difference, ignores an ignored region, baseline command")
    func visualMonitoring() async throws {
        guard screenshotBrowser() != nil else { return }
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func page(banner: String, clock: Bool = false) -> String {
            #"<body style="margin:0;background:#fff"><div style="position:absolute;left:0;top:0;width:400px;height:100px;background:\#(banner)"></div>"#
                + (clock ? #"<div style="position:absolute;left:0;top:260px;width:400px;height:30px;background:#000"></div>"# : "") + "</body>"
        }
        func canary(_ html: String, ignoreClock: Bool = true) -> String {
            let ignore = ignoreClock ? #", ignore: [{x: 0, y: 250, width: 400, height: 50}]"# : ""
            return #"{name: "site", steps: [{name: "home", request: {url: "\#(pageURL(html))"}, screenshot: {width: 400, height: 300}, expect: {status: 200, visual: {maxDiff: "2%"\#(ignore)}}}]}"#
        }
        let blue = page(banner: "#00f"), red = page(banner: "#f00"), blueWithClock = page(banner: "#00f", clock: true)

        var output = try await run(canary(blue), in: folder)
        #expect(output.status == 0, "first run: \(output.stdout)\(output.stderr)")
        #expect((try lastRun(folder, "site").steps.first?["screenshot"] as? [String: Any])?["newBaseline"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: folder + "/r/.baselines/site/01-home.png"))

        output = try await run(canary(blue), in: folder)
        #expect(output.status == 0, "unchanged: \(output.stdout)\(output.stderr)")
        #expect((try lastRun(folder, "site").steps.first?["screenshot"] as? [String: Any])?["difference"] as? Double == 0)

        output = try await run(canary(red), in: folder)
        #expect(output.status == 1, "changed: \(output.stdout)")
        #expect(output.stdout.contains("the page changed: 40% of its compared pixels differ from the baseline (at most 2% allowed)"), "\(output.stdout)")
        let changed = try lastRun(folder, "site")
        #expect(FileManager.default.fileExists(atPath: changed.path + "/01-home.diff.png"))
        let changedRun = (changed.path as NSString).lastPathComponent

        output = try await run(canary(blueWithClock), in: folder)
        #expect(output.status == 0, "change inside the ignored region: \(output.stdout)")
        output = try await run(canary(blueWithClock, ignoreClock: false), in: folder)
        #expect(output.status == 1, "the same change, not ignored: \(output.stdout)")
        #expect(output.stdout.contains("10% of its compared pixels differ"), "\(output.stdout)")

        output = try await CLI.run(["baseline", "../site", "--results", folder + "/r"])
        // A name is free text; its folder is its slug, so "../site" finds no folder above the results.
        #expect(output.status == 2 && output.stderr.contains("baseline: no runs of ../site in"), "\(output.stderr)")
        output = try await CLI.run(["baseline", "site", "--run", "../x", "--results", folder + "/r"])
        #expect(output.status == 2 && output.stderr.contains("'../x' is not a run id"), "\(output.stderr)")
        output = try await CLI.run(["baseline", "site", "--run", changedRun, "--results", folder + "/r"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        output = try await run(canary(red), in: folder)
        #expect(output.status == 0, "after the new baseline: \(output.stdout)")
    }
}
