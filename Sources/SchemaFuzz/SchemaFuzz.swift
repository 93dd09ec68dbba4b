import CanaryKit
import FuzzDriver
import Foundation

// Feeds arbitrary bytes to the JSON Schema compiler (as a schema document; `other.json` is a
// second document it may `$ref`) and validates a few values against what compiles, trapping
// when a promise breaks: compiling ends in a schema or a problem with a message, and validation
// always returns with at most `maximumListed` violations. Built with -sanitize=fuzzer by
// scripts/fuzz-schema; a crash, a stack overflow or a hang is a bug.

/// libFuzzer calls this with each input it makes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    checkSchema(bytes)
    return 0
}

/// What `$ref: "other.json"` finds, and the values validated against every schema that compiles.
let other: JSONValue = .object([("$defs", .object([("a", .object([("type", .string("string"))]))])), ("items", .object([("$ref", .string("#"))]))])
let values: [JSONValue] = [
    .null, .bool(true), .number(-1.5), .number(3), .string("ab😀"), .array([.number(1), .number(1), .string("x")]),
    .object([("a", .number(1)), ("b", .array([.object([("a", .null)])])), ("", .string(""))]),
]

func checkSchema(_ bytes: [UInt8]) {
    guard let document = try? JSON5.parseJSON(bytes) else { return }
    let schema: JSONSchema
    do {
        schema = try JSONSchemaCompiler.compile(document, baseURI: "file:///fuzz/schema.json", label: "schema") { uri in
            uri == "file:///fuzz/other.json" ? .success(other) : nil
        }
    } catch {
        if error.message.isEmpty { fatalError("a problem without a message at \(error.pointer)") }
        return
    }
    for value in values + [document] {
        let result = JSONSchemaValidator.validate(value, against: schema)
        if result.violations.count > JSONSchemaValidator.maximumListed || result.total < result.violations.count {
            fatalError("violations miscounted: \(result.violations.count) listed, \(result.total) in all")
        }
        if result.violations.contains(where: { $0.message.isEmpty }) { fatalError("a violation without a message") }
    }
}

/// libFuzzer's driver under -DFUZZING; otherwise replays the files named on the command line.
@main
struct FuzzSchema {
    static func main() {
        FuzzDriver.main(fuzzing: fuzzSchema, replaying: { checkSchema($0) })
    }
}
