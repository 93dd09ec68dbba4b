import CanaryKit
import FuzzDriver

// Feeds arbitrary bytes to the dns step's reply parser and traps when it breaks its promise: a
// reply is read, or refused with a Problem on one printable line of bounded length; names read
// from it are escaped text (no raw byte of the reply), and it never reads more answers than the
// bytes can hold. Hangs (a compression loop) are libFuzzer's -timeout. Built with
// -sanitize=fuzzer by scripts/fuzz-dns.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    checkReply(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

func checkReply(_ bytes: [UInt8]) {
    // Both ways the step calls it: with the query's id, and (over TCP's second try) without.
    for expectedID: UInt16? in [nil, bytes.count >= 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0x1234] {
        let reply: DNSMessage.Reply
        do {
            reply = try DNSMessage.parse(bytes, expectedID: expectedID)
        } catch {
            let message = error.description
            if message.isEmpty || message.utf8.count > 500 { fatalError("empty or huge problem: \(message.prefix(300))") }
            if message.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value >= 0x7F }) {
                fatalError("a raw byte in the problem: \(message.debugDescription)")
            }
            continue
        }
        if !(0...15).contains(reply.rcode) { fatalError("rcode \(reply.rcode) is not 4 bits") }
        // Each answer takes at least 11 bytes (a 1-byte name, type, class, TTL, length).
        if reply.answers.count * 11 > bytes.count { fatalError("\(reply.answers.count) answers from \(bytes.count) bytes") }
        for record in reply.answers {
            // A name is at most 255 bytes, each of which escapes to at most 4 characters.
            if record.name.utf8.count > 255 * 4 { fatalError("a \(record.name.utf8.count)-character name") }
            if record.name.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }) {
                fatalError("a raw byte in a name: \(record.name.debugDescription)")
            }
            // A control byte of a TXT string escapes to six characters (`\u001B`).
            if record.data.utf8.count > 6 * bytes.count + 64 { fatalError("\(record.data.utf8.count) bytes of data from a \(bytes.count)-byte reply") }
            if record.data.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                fatalError("a control character in record data: \(record.data.debugDescription)")
            }
        }
    }
}

/// libFuzzer's driver under -DFUZZING; otherwise replays the files named on the command line.
@main
struct FuzzDNS {
    static func main() {
        FuzzDriver.main(fuzzing: fuzzDNS, replaying: { checkReply($0) })
    }
}
