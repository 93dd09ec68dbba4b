import CurlEngine
import Foundation
import Testing
@testable import CanaryKit

/// The summaries' fast read of a run log line must give what decoding the line gives, and hand
/// every line it can't vouch for to the decoder.
@Suite("run summaries: the run log line scanner")
struct RunLineScannerTests {
    /// Records of every shape the fold reads: retried, flaky, degraded, inconclusive, cancelled,
    /// several steps, escapes in strings, odd numbers.
    static func records() -> [RunRecord] {
        var records = summaryHistory(40)
        var retried = records[3]
        retried.attempt = 3
        retried.flaky = true
        retried.passed = true
        retried.attempts = [AttemptRecord(attempt: 1, start: retried.start, end: retried.end, durationMs: 4, passed: false, error: "boom", steps: retried.steps)]
        records.append(retried)
        var degraded = records[0]
        degraded.degraded = true
        degraded.tags = ["team": "a\"b\\c", "tier": "1"]
        degraded.error = "tab\there, quote \" slash / newline \n bell \u{07} e\u{301} 😀 done"
        records.append(degraded)
        var cancelled = records[1]
        cancelled.cancelled = true
        cancelled.passed = false
        cancelled.maintenance = true
        cancelled.suppressedBy = ["db", "dns"]
        cancelled.traceId = "0af7651916cd43dd8448eb211c80319c"
        records.append(cancelled)
        var several = records[2]
        let odd = Timings(dns: 0.000123, connect: 1e-7, tls: 123456.789, firstByte: 0, transfer: 2.5e3, total: 0.1 + 0.2)
        several.steps = [several.steps[0], StepRecord(name: "two", outcome: .skipped, statusCode: 0, timings: odd, failures: [], error: "x",
                                                      errorKind: "timeout", request: nil, response: nil)]
        several.durationMs = 1.0 / 3
        records.append(several)
        var empty = records[4]
        empty.steps = []
        empty.canary = "payments/eu-west-1 (primary)"
        records.append(empty)
        return records
    }

    @Test("each line canary writes is read by the scanner, with the facts the decoded record gives")
    func canaryLines() throws {
        for record in Self.records() {
            let line = try RecordJSON.bytes(record, pretty: false)
            let decoded = try JSONDecoder().decode(RunRecord.self, from: Data(line))
            let scanned = RunLineScanner.facts(line[...])
            let hasNonASCII = line.contains { $0 >= 0x80 }
            #expect(scanned != nil || hasNonASCII, "\(String(decoding: line, as: UTF8.self))")
            if let scanned { #expect(scanned == RunFacts(decoded), "\(String(decoding: line, as: UTF8.self))") }
            #expect(RunFacts.read(line[...], decoder: JSONDecoder()) == RunFacts(decoded))
        }
    }

    @Test("lines it can't vouch for go to the decoder", arguments: [
        #"{"canary":"a","canary":"b","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"c\u0061nary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"é","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"a\ud83d\ude00","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1e400,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1.0,"tags":{},"file":"f","steps":[]}"#,
        // JSONDecoder takes a trailing comma.
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[],}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":99999999999999999999,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[],"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
    ])
    func declined(_ line: String) throws {
        #expect(RunLineScanner.facts(Array(line.utf8)[...]) == nil)
        let decoded = try? JSONDecoder().decode(RunRecord.self, from: Data(line.utf8))
        #expect(RunFacts.read(Array(line.utf8)[...], decoder: JSONDecoder()) == decoded.map(RunFacts.init))
    }

    @Test("lines that don't decode are not read either", arguments: [
        "", " ", "[]", "null", "{}", "{\"canary\":\"a\"}",
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]} x"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":01,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":"true","attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{"a":1},"file":"f","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"steps":[]}"#,
        #"{"canary":null,"runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[{"name":"g","outcome":"ok","statusCode":200,"timings":{"dns":0,"connect":0,"tls":0,"firstByte":0,"transfer":0,"total":0},"failures":[]}]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[{"name":"g","outcome":"passed","statusCode":200,"timings":{"dns":0,"connect":0,"tls":0,"firstByte":0,"total":0},"failures":[]}]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[{"name":"g","outcome":"passed","statusCode":200,"timings":{"dns":0,"connect":0,"tls":0,"firstByte":0,"transfer":0,"total":0}}]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","error":"a\x","steps":[]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[{"name":"g","outcome":"passed","statusCode":200,"timings":{"dns":0,"connect":0,"tls":0,"firstByte":0,"transfer":0,"total":0},"failures":[],"request":{"url":"u"}}]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[{"name":"g","outcome":"failed","statusCode":200,"timings":{"dns":0,"connect":0,"tls":0,"firstByte":0,"transfer":0,"total":0},"failures":[{"assertion":"a","expected":"b","actual":1,"message":"m"}]}]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","steps":[{"name":"g","outcome":"passed","statusCode":200,"timings":{"dns":0,"connect":0,"tls":0,"firstByte":0,"transfer":0,"total":0},"failures":[],"response":{"httpVersion":"1.1","size":"3","redirects":0,"effectiveURL":"u","primaryIP":"i","newConnections":1}}]}"#,
        #"{"canary":"a","runId":"r","start":"s","end":"e","durationMs":1,"passed":true,"attempt":1,"tags":{},"file":"f","error":"a\#tb","steps":[]}"#,
    ])
    func refused(_ line: String) {
        #expect(RunLineScanner.facts(Array(line.utf8)[...]) == nil)
        #expect((try? JSONDecoder().decode(RunRecord.self, from: Data(line.utf8))) == nil, "the decoder reads it: the case is wrong")
    }

    @Test("mangled lines: whatever the scanner reads is JSON, and where the decoder reads it too they agree")
    func mangled() throws {
        let seeds = try Self.records().map { try RecordJSON.bytes($0, pretty: false) }
        var mangler = Mangler(seeds: seeds, seed: 0x5CA7)
        let decoder = JSONDecoder()
        var (read, agreed, vouchedAlone) = (0, 0, 0)
        for _ in 0..<10000 {
            let line = mangler.next()
            let scanned = RunLineScanner.facts(line[...])
            let decoded = try? decoder.decode(RunRecord.self, from: Data(line))
            if let scanned {
                read += 1
                #expect((try? JSONSerialization.jsonObject(with: Data(line))) != nil, "not JSON: \(String(decoding: line, as: UTF8.self))")
                if let decoded {
                    #expect(scanned == RunFacts(decoded), "\(String(decoding: line, as: UTF8.self))")
                    agreed += 1
                } else {
                    vouchedAlone += 1
                }
            }
            #expect(RunFacts.read(line[...], decoder: decoder) == scanned ?? decoded.map(RunFacts.init))
        }
        // Only a change inside the parts it doesn't check (a response's TLS facts, the
        // attempts) is read by the scanner alone: few of the mangled lines.
        #expect(read > 50 && agreed > 50, "\(read) read, \(agreed) agreed")
        #expect(vouchedAlone * 20 < read, "\(vouchedAlone) of \(read) read only by the scanner")
    }
}
