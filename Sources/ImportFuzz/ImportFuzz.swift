import CanaryKit
import FuzzDriver
import Foundation

// Feeds arbitrary bytes to the importers and traps when one breaks its promise: a curl command
// line (the first byte 0-127) or a HAR file (128-255) is either refused with an ImportError or a
// shell syntax error, on one printable line of bounded length, or written as a canary file that
// the loader reads without a problem. Built with -sanitize=fuzzer by scripts/fuzz-import.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    checkImport(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

func checkImport(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let bytes = Array(input.dropFirst())
    let canary: ImportedCanary
    do {
        if selector < 128 {
            canary = try CurlImport.canary(words: try ShellWords.split(String(decoding: bytes, as: UTF8.self)))
        } else {
            canary = try HARImport.canary(bytes: bytes, file: "fuzz.har")
        }
    } catch {
        let message = "\(error)"
        if message.isEmpty || message.utf8.count > 2_000 { fatalError("empty or huge message: \(message.prefix(300))") }
        if message.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            fatalError("a control character in: \(message.debugDescription)")
        }
        return
    }
    let text = ImportWriter.file(canary, command: "canary import", date: "2026-12-02")
    let (loaded, problems) = CanaryLoader.load(source: Array(text.utf8), file: "imported.json5")
    if loaded == nil || !problems.isEmpty { fatalError("the imported file does not load: \(problems)\n\(text.prefix(2_000))") }
}

/// libFuzzer's driver under -DFUZZING; otherwise replays the files named on the command line.
@main
struct FuzzImport {
    static func main() {
        FuzzDriver.main(fuzzing: fuzzImport, replaying: { checkImport($0) })
    }
}
