import Foundation
import Testing
@testable import CanaryKit

/// SplitMix64: a tiny seeded generator, so a failing mangled input can be made again from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Damages canary files the way editors, disks and people do: flipped bits, lost and repeated
/// bytes, cut-off ends, pieces of other files pasted in, and bytes that are not UTF-8.
struct Mangler {
    let seeds: [[UInt8]]
    var generator: SeededGenerator

    /// Fragments worth inserting: JSON5 punctuation, escapes, and invalid or unusual UTF-8.
    static let fragments: [[UInt8]] = [
        "{", "}", "[", "]", ":", ",", "\"", "'", "\\", "/*", "*/", "//", "\n", "\r", "{{", "}}", "$", ".",
        "\\u", "\\uD800", "\\uDC00\\uD800", "\\x4", "\\0", "\\1", "0x", "1e", "-", "+", "Infinity", "NaN",
        "1e99999", "-0", "00", "0.", ".5", "true", "null", "nul", "steps", "request", "url", "expect", "{{x}}",
        "\u{2028}", "\u{00A0}", "\u{FEFF}", "é", "😀",
    ].map { Array($0.utf8) } + [
        [0x00], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF], [0xFE],
        [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3], [0xE2, 0x80],
    ]

    init(seeds: [[UInt8]], seed: UInt64) {
        self.seeds = seeds
        generator = SeededGenerator(seed: seed)
    }

    /// A copy of one seed with 1 to 8 random mutations.
    mutating func next() -> [UInt8] {
        var bytes = seeds.randomElement(using: &generator) ?? []
        for _ in 0..<Int.random(in: 1...8, using: &generator) { mutate(&bytes) }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<7, using: &generator) {
        case 0 where !bytes.isEmpty:  // flip one bit
            bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        case 1 where !bytes.isEmpty:  // delete a run of bytes
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &generator)))
        case 2:  // insert a fragment or a random byte
            let fragment = Bool.random(using: &generator)
                ? Self.fragments.randomElement(using: &generator) ?? []
                : [UInt8.random(in: 0...255, using: &generator)]
            bytes.insert(contentsOf: fragment, at: at)
        case 3 where !bytes.isEmpty:  // duplicate a range in place
            let end = min(bytes.count, at + Int.random(in: 1...64, using: &generator))
            bytes.insert(contentsOf: bytes[at..<end], at: end)
        case 4:  // truncate
            bytes.removeSubrange(at..<bytes.count)
        case 5:  // splice: this file up to here, another from somewhere
            let other = seeds.randomElement(using: &generator) ?? []
            let from = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &generator)
            bytes = Array(bytes[..<at]) + other[from...]
        default:  // overwrite a byte with one of the boundary values
            if !bytes.isEmpty { bytes[at] = [0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xF8, 0xFF, 0x22, 0x5C].randomElement(using: &generator) ?? 0 }
        }
    }
}

/// What one mangled input did to the loader; every problem must be placed in `file`.
struct LoaderVerdict {
    var loaded = false
    var problems: [LoadProblem] = []
}

/// Loads `bytes` as `file` and checks the promise the loader makes for any input: it returns
/// (no crash), a canary or at least one problem, and each problem names the file, a line and a
/// column inside the input, and a message.
@discardableResult
func loadMangled(_ bytes: [UInt8], file: String = "canaries/mangled.json", label: @autoclosure () -> String) -> LoaderVerdict {
    let (canary, problems) = CanaryLoader.load(source: bytes, file: file, definedVariables: ["httpbin", "base"])
    let lineLengths = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(\.count)
    if canary == nil && problems.isEmpty {
        Issue.record("\(label()): no canary and no problem")
    }
    for problem in problems {
        let location = problem.location
        let placed = location.file == file && (1...lineLengths.count).contains(location.line)
            && (1...(lineLengths[location.line - 1] + 1)).contains(location.column)
        if !placed || problem.message.isEmpty || !problem.description.hasPrefix("\(file):\(location.line):\(location.column): ") {
            Issue.record("\(label()): badly placed or empty problem: \(problem)")
        }
        if problem.message.utf8.count > 1_000 {
            Issue.record("\(label()): a message of \(problem.message.utf8.count) bytes: \(problem.description.prefix(300))")
        }
        if problem.message.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            Issue.record("\(label()): a message with a control character (it breaks the one-line output): \(problem.description.debugDescription.prefix(300))")
        }
        if problem.message.contains("Optional(") || problem.message.contains("Swift.") {
            Issue.record("\(label()): a message shows Swift internals: \(problem)")
        }
    }
    return LoaderVerdict(loaded: canary != nil, problems: problems)
}

/// The example canaries of the repository, the seeds for mangling.
func exampleCanaries() throws -> [[UInt8]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder = root.appendingPathComponent("canaries")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
    return try names.map { [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))) }
}
