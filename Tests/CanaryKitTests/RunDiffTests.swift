import Foundation
import Testing
@testable import CanaryKit

@Suite("diff: what changed between two runs, step by step")
struct RunDiffTests {
    typealias F = ShowFixture

    static func diff(_ a: StoredExchange, _ b: StoredExchange, before: StepRecord = F.step("login"), after: StepRecord = F.step("login")) -> RunDiff.StepChange? {
        RunDiff(from: F.run("A", steps: [before], exchanges: [a]), to: F.run("B", steps: [after], exchanges: [b])).steps.first
    }

    @Test("status, outcome and failure changes")
    func status() {
        let change = Self.diff(F.exchange(), F.exchange(status: 503, reason: "Unavailable"),
                               after: F.step("login", .failed, status: 503, failure: "status: expected 200, got 503"))
        #expect(change?.status == .init(before: 200, after: 503))
        #expect(change?.outcome == .init(before: "passed", after: "failed"))
        #expect(change?.failure == .init(before: nil, after: "status: expected 200, got 503"))
    }

    @Test("headers added, removed and changed, names compared case-insensitively", arguments: [
        ([("Content-Type", "json")], [("content-type", "json")], [RunDiff.HeaderChange]()),
        ([("Content-Type", "json")], [("Content-Type", "html")], [.changed(name: "Content-Type", before: "json", after: "html")]),
        ([], [("Retry-After", "30")], [.added(name: "Retry-After", value: "30")]),
        ([("ETag", "x")], [], [.removed(name: "ETag", value: "x")]),
        ([("Vary", "a"), ("Vary", "b")], [("Vary", "a")], [.changed(name: "Vary", before: "a, b", after: "a")]),
    ])
    func headers(before: [(String, String)], after: [(String, String)], expected: [RunDiff.HeaderChange]) {
        let change = Self.diff(F.exchange(headers: before.map { F.header($0.0, $0.1) }), F.exchange(headers: after.map { F.header($0.0, $0.1) }))
        #expect(change?.headers == expected)
    }

    @Test("JSON bodies compare path by path", arguments: [
        (#"{"a":1,"b":[1,2]}"#, #"{"a":1,"b":[1,2]}"#, [String]()),
        (#"{"status":"ok"}"#, #"{"status":"down"}"#, [#"$.status: "ok" → "down""#]),
        (#"{"items":[1,2]}"#, #"{"items":[1,2,3]}"#, ["$.items[2]: nil → 3"]),
        (#"{"gone":true,"x":{"odd key":1}}"#, #"{"x":{"odd key":2}}"#, ["$.x['odd key']: 1 → 2", "$.gone: true → nil"]),
        (#"{"a":{"b":1}}"#, #"{"a":[1]}"#, [#"$.a: {"b":1} → [1]"#]),
    ])
    func jsonBody(before: String, after: String, expected: [String]) {
        let change = Self.diff(F.exchange(responseBody: before), F.exchange(responseBody: after))
        guard case .json(let paths, _)? = change?.body else {
            #expect(expected.isEmpty && change?.body == nil)
            return
        }
        #expect(paths.map { "\($0.path): \($0.before ?? "nil") → \($0.after ?? "nil")" } == expected)
    }

    @Test("text bodies give a unified diff with context")
    func textBody() {
        let before = (1...10).map { "line \($0)" }.joined(separator: "\n")
        let after = before.replacingOccurrences(of: "line 5", with: "line five")
        let change = Self.diff(F.exchange(responseBody: before), F.exchange(responseBody: after))
        #expect(change?.body == .text(["@@ -2,7 +2,7 @@", " line 2", " line 3", " line 4", "-line 5", "+line five", " line 6", " line 7", " line 8"], more: 0))
    }

    @Test("a long text diff is capped and says how much more there is")
    func cappedText() {
        let before = (1...500).map { "a\($0)" }.joined(separator: "\n")
        let after = (1...500).map { "b\($0)" }.joined(separator: "\n")
        guard case .text(let lines, let more)? = Self.diff(F.exchange(responseBody: before), F.exchange(responseBody: after))?.body else {
            Issue.record("expected a text diff")
            return
        }
        #expect(lines.count == RunDiff.maximumDiffLines && more == 1001 - RunDiff.maximumDiffLines)
    }

    @Test("binary bodies compare by size; certificates by notAfter; timings side by side")
    func binaryCertificateTimings() {
        let change = Self.diff(F.exchange(responseBody: "AAAA", binary: true), F.exchange(responseBody: "AAAAAAAA", binary: true),
                               before: F.step("login", notAfter: "2027-01-01T00:00:00Z", total: 10),
                               after: F.step("login", notAfter: "2026-12-01T00:00:00Z", total: 250))
        #expect(change?.body == .size(.init(before: 4, after: 8)))
        #expect(change?.certificate == .init(before: "2027-01-01T00:00:00Z", after: "2026-12-01T00:00:00Z"))
        #expect(change?.timings.first { $0.phase == "total" } == .init(phase: "total", before: 10, after: 250))
    }

    @Test("a step one run never sent compares by outcome and failure only: no status 0, zero timings or missing certificate")
    func notSent() {
        let diff = RunDiff(from: F.run("A", steps: [F.step("pay", notAfter: "2027-01-01T00:00:00Z")], exchanges: [F.exchange()]),
                           to: F.run("B", steps: [F.step("pay", .skipped, status: 0, sent: false)], exchanges: []))
        let change = diff.steps.first
        #expect(change?.outcome == .init(before: "passed", after: "skipped"))
        #expect(change?.status == nil && change?.certificate == nil && change?.timings == [] && change?.body == nil)
        #expect(RunDiffText.render(diff, redactor: Redactor(secrets: [])).hasSuffix("step 1 pay: passed → skipped\n"))
    }

    @Test("a replaced certificate shows who it names and who issued it, not only its expiry")
    func certificateFields() {
        var renewed = MetricsFixtures.tls
        renewed.issuer = "CN = Other CA"
        renewed.subjectAltNames = ["x.test", "www.x.test"]
        let step = { (tls: TLSRecord) in
            var step = F.step("login")
            step.response?.tls = tls
            return step
        }
        let diff = RunDiff(from: F.run("A", steps: [step(MetricsFixtures.tls)], exchanges: [F.exchange()]),
                           to: F.run("B", steps: [step(renewed)], exchanges: [F.exchange()]))
        #expect(diff.steps.first?.certificateFields == [
            .init(field: "issuer", before: "CN = intermediate", after: "CN = Other CA"),
            .init(field: "subjectAltNames", before: "x.test", after: "x.test, www.x.test"),
        ])
        let text = RunDiffText.render(diff, redactor: Redactor(secrets: []))
        #expect(text.contains("  certificate issuer: CN = intermediate → CN = Other CA\n  certificate subjectAltNames: x.test → x.test, www.x.test\n"), "\(text)")
        let same = RunDiff(from: F.run("A", steps: [step(MetricsFixtures.tls)], exchanges: [F.exchange()]),
                           to: F.run("B", steps: [step(MetricsFixtures.tls)], exchanges: [F.exchange()]))
        #expect(same.steps.first?.certificateFields == [])
    }

    @Test("a run whose exchanges are no longer kept is named: its headers and bodies can't be compared")
    func withoutExchanges() {
        var old = F.run("A", steps: [F.step("login")], exchanges: [])
        old.exchangesKept = false
        let diff = RunDiff(from: old, to: F.run("B", steps: [F.step("login", status: 503)], exchanges: [F.exchange(status: 503)]))
        #expect(diff.withoutExchanges == ["A"])
        let text = RunDiffText.render(diff, redactor: Redactor(secrets: []))
        #expect(text.hasPrefix("checkout: A (passed) → B (passed)\n(the exchanges of A are no longer kept: headers and bodies are not compared)\n"), "\(text)")
        #expect(text.contains("status: 200 → 503"))
    }

    @Test("steps only one run had are named")
    func onlyIn() {
        let diff = RunDiff(from: F.run("A", steps: [F.step("old")], exchanges: [F.exchange()]),
                           to: F.run("B", steps: [F.step("new")], exchanges: [F.exchange()]))
        #expect(diff.steps.map(\.onlyIn) == ["B", "A"])
    }

    @Test("the text is escaped and masked: hostile header values and secrets in bodies")
    func textRendering() {
        let change = RunDiff(
            from: F.run("A", steps: [F.step("login")], exchanges: [F.exchange(headers: [F.header("Set-Cookie", "sid=1")], responseBody: "token Sup3rSecretValue")]),
            to: F.run("B", steps: [F.step("login")], exchanges: [F.exchange(headers: [F.header("Set-Cookie", "sid=2"), F.header("X", "\u{1B}[2J\r\nFake: 1")], responseBody: "ok")]))
        let text = RunDiffText.render(change, redactor: Redactor(secrets: ["Sup3rSecretValue"]))
        #expect(!text.contains("Sup3rSecretValue") && !text.contains("sid=1"))
        #expect(!text.unicodeScalars.contains { PrintableText.isControl($0) && $0 != "\n" })
        #expect(text.contains("-token ***") && text.contains("+ X: \\u001B[2J\\r\\nFake: 1"))
    }
}

@Suite("report: uptime windows and the incident timeline")
struct UptimeIncidentTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func record(hoursAgo: Double, passed: Bool, inconclusive: Bool = false) -> RunRecord {
        let start = RunID.iso8601(now.addingTimeInterval(-hoursAgo * 3600))
        return RunRecord(canary: "c", runId: "r\(hoursAgo)", start: start, end: start, durationMs: 1, passed: passed, attempt: 1,
                         tags: [:], error: nil, file: "c.json", steps: [], inconclusive: inconclusive ? true : nil)
    }

    @Test("uptime counts conclusive runs started within 24 h, 7 d and 30 d")
    func uptime() {
        let runs = [Self.record(hoursAgo: 1, passed: true), Self.record(hoursAgo: 2, passed: false),
                    Self.record(hoursAgo: 3, passed: false, inconclusive: true),
                    Self.record(hoursAgo: 48, passed: false), Self.record(hoursAgo: 24 * 20, passed: true),
                    Self.record(hoursAgo: 24 * 40, passed: false)]
        #expect(Uptime(runs: runs, now: Self.now) == Uptime(day: 0.5, week: 1.0 / 3, month: 0.5))
        #expect(Uptime(runs: [], now: Self.now) == Uptime(day: nil, week: nil, month: nil))
    }

    static func event(_ canary: String, _ time: String, _ state: AlarmState) -> AlarmEvent {
        AlarmEvent(id: time, detailType: AlarmEvent.stateChangeType, time: time, detail: .init(
            canary: canary, runId: "run-\(time)", tags: [:], step: "s", failure: "status: expected 200, got 503",
            previousState: .ok, state: state, reason: "1 of the last 1 runs failed"))
    }

    @Test("an incident runs from ALARM to the next other state; one still open has no end")
    func incidents() {
        let events = [Self.event("a", "2026-11-22T10:00:00Z", .alarm), Self.event("b", "2026-11-22T11:00:00Z", .alarm),
                      Self.event("a", "2026-11-22T10:30:00Z", .ok), Self.event("a", "2026-11-22T12:00:00Z", .alarm)]
        let timeline = Incident.timeline(events)
        #expect(timeline.map(\.canary) == ["a", "b", "a"])
        #expect(timeline.map(\.end) == [nil, nil, "2026-11-22T10:30:00Z"])
        #expect(timeline.last?.duration(now: Self.now) == 1800)
    }

    @Test("the report shows uptime, the incident timeline and a failing canary's diff, escaped")
    func rendered() {
        let failing = ShowFixture.run("B", steps: [ShowFixture.step("login", .failed, status: 503)], exchanges: [ShowFixture.exchange(status: 503, responseBody: "<b>down</b>")])
        let passing = ShowFixture.run("A", steps: [ShowFixture.step("login")], exchanges: [ShowFixture.exchange(responseBody: "up")])
        var extras = ReportExtras()
        extras.diffs["checkout"] = RunDiff(from: passing, to: failing)
        extras.incidents = Incident.timeline([Self.event("checkout", "2026-11-22T10:00:00Z", .alarm)])
        let page = HTMLReport.render(records: [passing.record, failing.record], generatedAt: Self.now, skippedLines: 0, extras: extras)
        #expect(page.contains("What changed since the last pass"))
        #expect(page.contains("<span class=\"del\">    -up</span>") && page.contains("+&lt;b&gt;down&lt;/b&gt;"))
        #expect(page.contains("Uptime"))
        #expect(page.contains("Incidents") && page.contains("ongoing"))
    }
}
