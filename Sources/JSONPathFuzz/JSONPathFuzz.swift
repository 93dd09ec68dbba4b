import CanaryKit
import FuzzDriver
import Foundation

// Feeds arbitrary bytes (as UTF-8 text) to the JSONPath parser and runs what parses against a
// small document, trapping when a promise breaks: a refusal names a character inside the path
// in one short printable line, and evaluation always returns. Built with -sanitize=fuzzer by
// scripts/fuzz-jsonpath; a crash, a stack overflow or a hang is a bug.

/// libFuzzer calls this with each input it makes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONPath(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    checkPath(String(decoding: bytes, as: UTF8.self))
    return 0
}

/// Every kind of JSON value, nested a few levels, so filters and functions meet each type.
let document: JSONValue = .object([
    ("a", .array([.number(1), .number(-2.5), .string("x\ny"), .null, .bool(true), .array([]), .object([])])),
    ("b", .object([("c", .string("ČЖ😀")), ("d", .array([.object([("a", .number(1e300))])]))])),
    ("", .string("")),
])

func checkPath(_ text: String) {
    let path: JSONPath
    do {
        path = try JSONPath.parse(text)
    } catch {
        let length = text.unicodeScalars.count
        guard (1...(length + 1)).contains(error.column) else { fatalError("error placed outside the path: \(error)") }
        if error.message.isEmpty || error.message.utf8.count > 1_000 { fatalError("empty or huge message: \(error.description.prefix(300))") }
        if error.description.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            fatalError("a control character in: \(error.description.debugDescription)")
        }
        return
    }
    let selected = JSONPathEvaluator.select(path, in: document)
    let queried = JSONPathEvaluator.query(path, in: document)
    if selected.isEmpty != (queried == nil) { fatalError("select and query disagree for \(text.debugDescription)") }
}

/// libFuzzer's driver under -DFUZZING; otherwise replays the files named on the command line.
@main
struct FuzzJSONPath {
    static func main() {
        FuzzDriver.main(fuzzing: fuzzJSONPath, replaying: { checkPath(String(decoding: $0, as: UTF8.self)) })
    }
}
