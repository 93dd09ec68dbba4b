@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// RecordJSON replaces Foundation's JSONEncoder on the recording path; what it writes must read
/// back as the same JSON, for every shape records, states and events take.
struct RecordJSONTests {
    /// Both encoders' text, parsed back into Foundation objects.
    private func bothParsed<Value: Encodable>(_ value: Value, pretty: Bool = false) throws -> (ours: NSObject, foundation: NSObject) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let ours = try JSONSerialization.jsonObject(with: Data(RecordJSON.bytes(value, pretty: pretty)), options: [.fragmentsAllowed])
        let theirs = try JSONSerialization.jsonObject(with: encoder.encode(value), options: [.fragmentsAllowed])
        return (ours as! NSObject, theirs as! NSObject)
    }

    private var awkwardRecord: RunRecord {
        var record = AlarmTestRuns.run(passed: false)
        record.tags = ["team": "pay\"ments", "zone": "eu/west\n1", "émoji": "🐤", "ctl": "\u{1}\u{1F}\t\\"]
        record.steps[0].request = RequestSummary(method: "GET", url: "https://example.test/a?b=c&d=/e")
        record.steps[0].response = ResponseSummary(
            httpVersion: "HTTP/2", size: 3_000_000, redirects: 2, effectiveURL: "https://example.test/",
            primaryIP: "127.0.0.1", newConnections: 1, certificateNotAfter: nil)
        record.steps[0].timings = Timings(dns: 0.012, connect: 1e-7, tls: 12345.678, firstByte: 3, transfer: 0, total: -0.5)
        return record
    }

    @Test("a run record with escapes, unicode, nils and odd numbers reads back as JSONEncoder's does", arguments: [false, true])
    func runRecord(pretty: Bool) throws {
        let (ours, foundation) = try bothParsed(awkwardRecord, pretty: pretty)
        #expect(ours == foundation)
    }

    /// The record through Codable's synthesized encoding, not `RecordJSON`'s hand-written path.
    private struct ThroughCodable: Encodable {
        let record: RunRecord
        func encode(to encoder: any Encoder) throws { try record.encode(to: encoder) }
    }

    @Test("the hand-written record is byte for byte what Codable writes, every field set or not", arguments: [false, true])
    func handWritten(pretty: Bool) throws {
        var full = awkwardRecord
        full.steps[0].response?.certificateNotAfter = "2027-01-01T00:00:00.000Z"
        full.steps[0].response?.tls = try JSONDecoder().decode(TLSRecord.self, from: Data(#"{"protocol":"TLSv1.3","cipher":"X","subject":"CN=a","issuer":"CN=b","subjectAltNames":["a","b"],"notBefore":"2026-01-01T00:00:00.000Z"}"#.utf8))
        full.steps[0].error = "boom"
        full.steps[0].errorKind = "timeout"
        full.steps[0].screenshot = ScreenshotRecord(file: "01.png", error: nil)
        full.steps[0].warnings = full.steps[0].failures
        full.steps[0].spanId = "0123456789abcdef"
        full.steps[0].start = "2026-11-22T14:28:40.100Z"
        full.steps.append(StepRecord.skipped("next \"one\""))
        full.steps[1].probe = try JSONDecoder().decode(ProbeSummary.self, from: Data(#"{"kind":"dns","target":"x","answers":["1.2.3.4"]}"#.utf8))
        full.steps[1].browser = try JSONDecoder().decode(BrowserSummary.self, from: Data(#"{"url":"https://x/","requests":3,"failedRequests":[],"console":[],"consoleErrors":0,"dialogs":[],"dialogCount":0,"refused":[],"lcpMs":12.5,"actions":[]}"#.utf8))
        full.inconclusive = false
        full.cancelled = true
        full.attempts = [AttemptRecord(attempt: 1, start: "s", end: "e", durationMs: 1.5, passed: false, error: "x", steps: full.steps, inconclusive: true, traceId: "t", spanId: "s")]
        full.har = StoredPlace(segment: "exchanges/x.jsonl", offset: 12, length: 345)
        full.maintenance = true
        full.suppressedBy = ["db", "dns"]
        full.flaky = true
        full.degraded = false
        full.traceId = "0123456789abcdef0123456789abcdef"
        full.spanId = "fedcba9876543210"
        for record in [full, awkwardRecord, AlarmTestRuns.run(passed: true)] {
            let reference = try RecordJSON.bytes(ThroughCodable(record: record), pretty: pretty)
            #expect(try RecordJSON.record(record, pretty: pretty) == reference)
            #expect(try RecordJSON.bytes(record, pretty: pretty) == reference)
            // Inside another value (a state's last run).
            let state = CanaryState(recent: [true], state: .ok, last: record)
            let expected = try RecordJSON.bytes(["s": state], pretty: pretty)
            #expect(String(decoding: expected, as: UTF8.self).contains(String(decoding: try RecordJSON.bytes(record, pretty: false), as: UTF8.self)) || pretty)
        }
    }

    @Test("the hand-written record writes every stored property of RunRecord, StepRecord and Timings, in order")
    func handWrittenCoversEveryField() {
        let record = AlarmTestRuns.run(passed: true)
        #expect(Mirror(reflecting: record).children.map(\.label) == RecordJSON.recordKeys.map(Optional.some),
                "a field was added to RunRecord: write it in RecordJSON+Record.swift and list it in recordKeys")
        // A boxed member (`@OptionalBox`) shows as its wrapper, `_name`.
        #expect(Mirror(reflecting: record.steps[0]).children.map { $0.label.map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 } }
                    == RecordJSON.stepKeys.map(Optional.some),
                "a field was added to StepRecord: write it in RecordJSON+Record.swift and list it in stepKeys")
        #expect(Mirror(reflecting: Timings()).children.map(\.label) == ["dns", "connect", "tls", "firstByte", "transfer", "total"])
    }

    @Test("state.json's hand-written member is what CanaryState's Codable encoding writes, byte for byte")
    func handWrittenState() throws {
        var full = CanaryState(recent: [true, false, true], state: .alarm, since: "2026-11-22T14:28:41Z", runsPassed: 12, runsFailed: 3,
                               last: awkwardRecord.trimmedForState, tags: ["b": "2", "a": "\"quoted\"\n"])
        full.runsInconclusive = 4
        full.runsFlaky = 1
        full.file = "/etc/canary/canaries/x.json"
        full.goneSince = "2026-11-23T00:00:00Z"
        full.maintenance = true
        var raw = CanaryState(recent: [true], state: .ok, last: nil)
        raw.lastRun = LastRun(json: Array(#"{"canary":"kept","runId":"as read"}"#.utf8))
        for state in [full, raw, CanaryState(), CanaryState(recent: [false], state: .ok, last: AlarmTestRuns.run(passed: true))] {
            let reference = try RecordJSON.bytes("x\"y") + ": ".utf8 + RecordJSON.bytes(state)
            #expect(try StateFile.member("x\"y", state, path: "state.json") == reference)
        }
        #expect(Mirror(reflecting: full).children.map(\.label) == RecordJSON.stateKeys.map(Optional.some),
                "a field was added to CanaryState: write it in RecordJSON.write(_: CanaryState, to:) and list it in stateKeys")
    }

    @Test("a run record decodes back to the same values")
    func roundTrip() throws {
        let record = awkwardRecord
        let decoded = try JSONDecoder().decode(RunRecord.self, from: Data(RecordJSON.bytes(record)))
        #expect(decoded.tags == record.tags)
        #expect(decoded.steps[0].timings == record.steps[0].timings)
        #expect(decoded.steps[0].failures == record.steps[0].failures)
        #expect(decoded.durationMs == record.durationMs)
    }

    @Test("canary states (a dictionary of structs with an optional record) read back as JSONEncoder's do")
    func states() throws {
        let states = ["checkout": CanaryState(recent: [true, false], state: .alarm, since: "x", runsPassed: 3, runsFailed: 1, last: awkwardRecord, tags: ["a": "b"]),
                      "empty": CanaryState()]
        let (ours, foundation) = try bothParsed(states, pretty: true)
        #expect(ours == foundation)
    }

    @Test("an alarm event reads back as JSONEncoder's does")
    func event() throws {
        let event = AlarmEvent.runFinished(awkwardRecord, now: AlarmTestRuns.time())
        let (ours, foundation) = try bothParsed(event)
        #expect(ours == foundation)
    }

    @Test("small integer types, nested arrays and top-level scalars")
    func scalars() throws {
        struct Odd: Encodable {
            var small: Int8 = -3
            var unsigned: UInt16 = 65535
            var grid: [[Int]] = [[1, 2], [], [3]]
            var maybe: [String?] = ["a", nil]
            var flag = true
        }
        let (ours, foundation) = try bothParsed(Odd())
        #expect(ours == foundation)
        #expect(try RecordJSON.bytes("top") == Array("\"top\"".utf8))
        #expect(try RecordJSON.bytes(42) == Array("42".utf8))
    }

    @Test("hand-written encoders: nested containers, a container asked for twice, empty values")
    func handWritten() throws {
        struct Empty: Encodable {}
        struct Custom: Encodable {
            enum Keys: String, CodingKey { case a, b, c, d }
            func encode(to encoder: any Encoder) throws {
                var outer = encoder.container(keyedBy: Keys.self)
                var inner = outer.nestedContainer(keyedBy: Keys.self, forKey: .a)
                try inner.encode(1, forKey: .b)
                var list = outer.nestedUnkeyedContainer(forKey: .c)
                try list.encode("x")
                var deeper = list.nestedContainer(keyedBy: Keys.self)
                try deeper.encode(Empty(), forKey: .d)
                #expect(throws: EncodingError.self) { try inner.encode(2, forKey: .c) }
                var again = encoder.container(keyedBy: Keys.self)
                try again.encode([Int](), forKey: .d)
            }
        }
        for pretty in [false, true] {
            let text = try RecordJSON.bytes(Custom(), pretty: pretty)
            let parsed = try JSONSerialization.jsonObject(with: Data(text)) as? NSDictionary
            #expect(parsed != nil, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test("compacting the pretty form gives exactly the compact form")
    func compacted() throws {
        let record = awkwardRecord
        #expect(JSONWriter.compacted(try RecordJSON.bytes(record, pretty: true)) == (try RecordJSON.bytes(record)))
    }
}
