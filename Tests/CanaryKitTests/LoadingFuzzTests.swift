import Foundation
import Testing
@testable import CanaryKit

/// Whatever bytes a canary file holds, the loader returns: a canary, or problems that each name
/// the file, a line and a column. It never crashes, hangs or recurses without bound.
@Suite("Loading mangled files")
struct LoadingFuzzTests {
    /// Mangled copies of the example canaries per seed; 4 seeds × 1,500 = 6,000 inputs.
    static let inputsPerSeed = 1_500

    @Test("mangled copies of the example canaries never crash and every problem is placed", arguments: [1, 2, 3, 4] as [UInt64])
    func mangledExamples(seed: UInt64) throws {
        let seeds = try exampleCanaries()
        #expect(seeds.count >= 5, "the example canaries in canaries/")
        var mangler = Mangler(seeds: seeds, seed: seed)
        var loaded = 0
        for index in 0..<Self.inputsPerSeed {
            let input = mangler.next()
            if loadMangled(input, label: "seed \(seed), input \(index)").loaded { loaded += 1 }
        }
        print("loader fuzz: seed \(seed): \(Self.inputsPerSeed) mangled inputs tried, \(loaded) still loaded, 0 crashes")
    }

    @Test("inputs that libFuzzer (scripts/fuzz-loader) found once stay fixed")
    func fuzzRegressions() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("FuzzRegressions").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(!names.isEmpty)
        for name in names {
            loadMangled([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))), label: name)
        }
        // A JSONPath of NULs: 80 bytes, but six characters each once escaped, quoted twice.
        let nuls = [UInt8](repeating: 0, count: 80)
        loadMangled(Array("{steps: [{request: {url: 'http://x'}, expect: {json: {'\u{1}".utf8) + nuls + Array("$[': 1}}}]}".utf8), label: "NUL JSONPath")
    }

    @Test("the unmangled examples load without problems")
    func examplesLoad() throws {
        for (index, bytes) in try exampleCanaries().enumerated() {
            #expect(loadMangled(bytes, label: "example \(index)").loaded)
        }
    }

    @Test("empty and blank files are one problem at the end of the file", arguments: [
        "", " ", "\n\n\n", "// only a comment\n", "/* a comment */", "\u{FEFF}", "\t\r\n \u{00A0}",
    ])
    func emptyFiles(text: String) {
        let verdict = loadMangled(Array(text.utf8), label: "blank \(text.debugDescription)")
        #expect(verdict.problems.count == 1)
        #expect(verdict.problems.first?.message.contains("empty") == true, "\(verdict.problems)")
    }

    @Test("an unclosed block comment names where it opened")
    func unclosedComment() {
        let verdict = loadMangled(Array("{steps: []} /* never closed".utf8), label: "unclosed comment")
        #expect(verdict.problems.map(\.description) == [
            "canaries/mangled.json:1:28: expected '*/' to end the comment, found the end of the file; the comment opened at line 1, column 13 is never closed",
        ])
    }

    @Test("100,000-deep nesting is an error at the 257th level, not a stack overflow", arguments: ["[", "{a:", "{\"a\":[", "[{a:"])
    func deepNesting(opener: String) {
        let depth = 100_000
        var text = String(repeating: opener, count: depth)
        text += "1"
        let verdict = loadMangled(Array(text.utf8), label: "nesting \(opener)")
        let message = verdict.problems.first?.message ?? ""
        #expect(message.contains("nested more than \(JSON5.maximumDepth) levels deep"), "\(message)")
    }

    @Test("deep nesting that is closed again, inside a valid canary, is reported too")
    func deepClosedNesting() {
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let prefix = "{steps: [{request: {url: 'http://x', json: "
        let verdict = loadMangled(Array((prefix + nested + "}}]}").utf8), label: "closed nesting")
        // Four levels are open before `json`; the first '[' too many is at this column.
        #expect(verdict.problems.first?.location.column == prefix.count + JSON5.maximumDepth - 4 + 1)
    }

    @Test("a top level that is not an object says what a canary file holds", arguments: [
        "[]", "[{steps: []}]", "\"steps\"", "42", "-1e999", "null", "true", "NaN", "'x'",
    ])
    func wrongTopLevel(text: String) {
        let verdict = loadMangled(Array(text.utf8), label: "top level \(text)")
        #expect(verdict.problems.map(\.description) == [
            "canaries/mangled.json:1:1: canary 'mangled': a canary file holds one object {\"steps\": […]}, found \(describe(text))",
        ])
    }

    private func describe(_ text: String) -> String {
        switch text {
        case "[]", "[{steps: []}]": return "an array"
        case "\"steps\"": return "string \"steps\""
        case "'x'": return "string \"x\""
        case "42": return "number 42"
        case "null": return "null"
        case "true": return "boolean true"
        default: return "number \(JSONWriter.text(of: Double(text) ?? .nan))"
        }
    }

    /// Invalid UTF-8, each put inside a string, a key and between tokens of a valid canary.
    static let invalidSequences: [(String, [UInt8])] = [
        ("lone continuation byte", [0x80]), ("lone continuation 0xBF", [0xBF]), ("overlong slash", [0xC0, 0xAF]),
        ("overlong NUL", [0xC0, 0x80]), ("overlong 3-byte", [0xE0, 0x80, 0xAF]), ("overlong 4-byte", [0xF0, 0x80, 0x80, 0xAF]),
        ("UTF-8 high surrogate", [0xED, 0xA0, 0x80]), ("UTF-8 low surrogate", [0xED, 0xBF, 0xBF]),
        ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("0xF5 lead", [0xF5, 0x80, 0x80, 0x80]), ("0xFF", [0xFF]), ("0xFE", [0xFE]),
        ("truncated 2-byte", [0xC3]), ("truncated 3-byte", [0xE2, 0x82]), ("truncated 4-byte", [0xF0, 0x9F, 0x98]),
        ("UTF-16 BOM", [0xFF, 0xFE]), ("Latin-1 é", [0xE9]),
    ]

    @Test("invalid UTF-8 anywhere is one problem at its byte, naming it", arguments: invalidSequences.indices)
    func invalidUTF8(index: Int) {
        let (name, bad) = Self.invalidSequences[index]
        let places: [([UInt8], [UInt8])] = [
            (Array("{name: \"a".utf8), Array("b\", steps: [{request: {url: 'http://x'}}]}".utf8)),
            (Array("{\"ke".utf8), Array("y\": 1}".utf8)),
            (Array("{steps: [{request: {url: 'http://x'}}]}\n".utf8), []),
            ([], Array("{steps: []}".utf8)),
            (Array("{name: 'a', // comment ".utf8), Array("\nsteps: [{request: {url: 'http://x'}}]}".utf8)),
        ]
        for (before, after) in places {
            let verdict = loadMangled(before + bad + after, label: name)
            let position = before.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            #expect(verdict.problems.count == 1)
            #expect(verdict.problems.first?.message.hasPrefix("invalid UTF-8 (byte 0x") == true, "\(name): \(verdict.problems)")
            #expect(verdict.problems.first?.location.line == position.count, "\(name)")
            // A truncated sequence at the end of a line, or before ASCII, is reported at its lead byte.
            #expect(verdict.problems.first?.location.column == String(decoding: position.last ?? [], as: UTF8.self).unicodeScalars.count + 1, "\(name)")
        }
    }

    @Test("huge and odd numbers are values or clear problems, never a trap", arguments: [
        "1e999999", "-1e999999", "1e-999999", String(repeating: "9", count: 10_000), "0x" + String(repeating: "F", count: 5_000),
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1.7976931348623157e309", "Infinity", "-Infinity",
        "NaN", "4.9e-324", "-0", "0.0000000000000000000000001", "1" + String(repeating: "0", count: 400) + ".5",
    ])
    func hugeNumbers(number: String) {
        // Every place a number may go: counts, status codes, durations, sizes, lengths, JSON values.
        let canary = """
            {retries: \(number), alarm: {evaluationPeriods: \(number), datapointsToAlarm: \(number)}, timeout: \(number),
             steps: [{request: {url: 'http://x', timeout: \(number), json: {n: \(number)}, maxRedirects: \(number)},
                      expect: {status: \(number), size: {lt: \(number)}, duration: {gt: \(number)}, redirects: \(number),
                               body: {length: {gte: \(number)}}, json: {'$.a': \(number), '$.b': {lt: \(number)}},
                               timings: {dns: \(number)}, certificate: {expiresIn: {gt: \(number)}}}}]}
            """
        loadMangled(Array(canary.utf8), label: "number \(number.prefix(20))")
        loadMangled(Array("{steps: [{request: {url: 'http://x'}, expect: {status: [\(number)]}}]}".utf8), label: "status list")
        for duration in ["\(number)ms", "\(number)s", "\(number)d", "\(number).5h"] {
            loadMangled(Array("{timeout: '\(duration)', steps: [{request: {url: 'http://x'}, expect: {duration: {lt: '\(duration)'}}}]}".utf8),
                        label: "duration \(duration.prefix(20))")
        }
    }

    @Test("long strings, names and keys load or are reported, quickly")
    func longStrings() {
        let long = String(repeating: "a", count: 1 << 18)
        let inputs = [
            "{name: '\(long)', steps: [{request: {url: 'http://x'}}]}",
            "{\(long): 1}",
            "{'\(long)': 1, steps: [{request: {url: 'http://x'}}]}",
            "{steps: [{request: {url: 'http://x/\(long)', headers: {'\(long)': '\(long)'}}, expect: {body: {contains: '\(long)'}}}]}",
            "{steps: [{request: {url: '{{\(long)}}'}}]}",
            "{steps: [{request: {url: '" + String(repeating: "{{", count: 100_000) + "'}}]}",
            "{steps: [{request: {url: 'http://x'}, expect: {json: {'" + String(repeating: "$..a", count: 50_000) + "': 1}}}]}",
            "{steps: [{request: {url: 'http://x'}, expect: {body: {matches: '" + String(repeating: "(", count: 10_000) + "'}}}]}",
            "{steps: [" + String(repeating: "{request: {url: 'http://x'}},", count: 20_000) + "]}",
            "{steps: [{request: {url: 'http://x'}}], " + String(repeating: "name: 'a', ", count: 20_000) + "}",
            "{steps: [{request: {url: 'http://x'}}], description: '" + String(repeating: "\\u00e9\\uD83D\\uDE00", count: 100_000) + "'}",
            "{steps: [{request: {url: 'http://x'}}], description: '" + String(repeating: "é😀", count: 200_000) + "'}",
            "{\(long) 1}", "{'\(long)' 1}", "{steps: [{request: {url: '{{\(long) x}}'}}]}", "{steps: [{request: {url: '{{env.\(long)-}}'}}]}",
            "{steps: [{request: {url: '{{\(long).x}}'}}]}", "{schedule: 'rate(\(long))', steps: [{request: {url: 'http://x'}}]}",
            "{schedule: 'cron(\(long))', steps: [{request: {url: 'http://x'}}]}",
            "{steps: [{request: {url: 'http://x', method: '\(long)'}}]}", "{steps: [{name: '\(long)', request: {url: 'http://x'}}]}",
            "{steps: [{request: {url: 'http://x'}, expect: {json: {'$.\(long)[': 1}}}]}",
            "{steps: [{request: {url: 'http://x'}, expect: {json: {'$.a': {type: '\(long)'}}}}]}",
        ]
        let name = loadMangled(Array(inputs[0].utf8), label: "long name").problems.map(\.message)
        #expect(name == ["canary name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa… (262144 bytes)' is 262144 characters long; at most 200"])
        let clock = ContinuousClock()
        for (index, input) in inputs.enumerated() {
            let elapsed = clock.measure { loadMangled(Array(input.utf8), label: "long input \(index)") }
            // A bound against quadratic blow-ups (minutes), not a speed target: each input loads in
            // well under a second on a quiet machine, but took 5-10 s with the test run in parallel
            // beside other builds on 2 cores. Speed is measured by bench/, not here.
            #expect(elapsed < .seconds(30), "long input \(index) took \(elapsed)")
        }
    }

    @Test("NUL bytes in strings, keys, between tokens and at the end are placed problems or text")
    func nulBytes() {
        let inputs: [[UInt8]] = [
            [0], [0, 0, 0], Array("{".utf8) + [0] + Array("}".utf8),
            Array("{name: 'a".utf8) + [0] + Array("b', steps: [{request: {url: 'http://x'}}]}".utf8),
            Array("{na".utf8) + [0] + Array("me: 'a'}".utf8),
            Array("{steps: [{request: {url: 'http://x'}}]}".utf8) + [0],
            Array("{steps: [{request: {url: 'http://x\\u0000'}}], description: 'a\\0b'}".utf8),
            Array("{steps: [{request: {url: 'http://x', headers: {a: 'b\\u0000c'}}}]}".utf8),
        ]
        for (index, input) in inputs.enumerated() { loadMangled(input, label: "NUL input \(index)") }
        let escaped = loadMangled(Array("{name: 'a\\u0000b\\u001B[2J', steps: [{request: {url: 'http://x'}}]}".utf8), label: "NUL in a name")
        #expect(escaped.problems.map(\.description) == [
            "canaries/mangled.json:1:8: canary 'a\\u0000b\\u001B[2J': canary name 'a\\u0000b\\u001B[2J' holds U+0000 (a control character), which is not printable; write the name with visible characters only",
        ])
        let verdict = loadMangled(Array("{\n  steps: [],".utf8) + [0] + Array("\n}".utf8), label: "NUL between members")
        #expect(verdict.problems.first?.description.hasPrefix("canaries/mangled.json:2:13: ") == true, "\(verdict.problems)")
    }
}
