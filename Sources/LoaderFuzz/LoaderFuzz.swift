import CanaryKit
import FuzzDriver
import Foundation

// Feeds arbitrary bytes to the canary loader and traps when the loader breaks its promise:
// it must return a canary or problems, each placed at file:line:column inside the input, on one
// printable line. Built with -sanitize=fuzzer by scripts/fuzz-loader; a crash is a bug.

/// libFuzzer calls this with each input it makes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    checkLoad(bytes)
    return 0
}

func checkLoad(_ bytes: [UInt8]) {
    let file = "fuzz.json"
    let (canary, problems) = CanaryLoader.load(source: bytes, file: file, definedVariables: ["httpbin", "base"])
    if canary == nil && problems.isEmpty { fatalError("no canary and no problem") }
    let lineLengths = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(\.count)
    for problem in problems {
        let location = problem.location
        guard location.file == file, (1...lineLengths.count).contains(location.line),
            (1...(lineLengths[location.line - 1] + 1)).contains(location.column)
        else { fatalError("problem placed outside the input: \(problem)") }
        if problem.message.isEmpty || problem.message.utf8.count > 1_000 { fatalError("empty or huge message: \(problem.description.prefix(300))") }
        if problem.description.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            fatalError("a control character in: \(problem.description.debugDescription)")
        }
    }
}

/// libFuzzer's driver under -DFUZZING; otherwise replays the files named on the command line.
@main
struct FuzzLoader {
    static func main() {
        FuzzDriver.main(fuzzing: fuzzLoader, replaying: { checkLoad($0) })
    }
}
