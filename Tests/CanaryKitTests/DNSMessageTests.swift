import Foundation
import Testing
@testable import CanaryKit

/// The dns step's reply parser reads hostile bytes: every malformed reply is a `Problem` that
/// names what was wrong and where, never a crash, a hang or a wrong answer.
@Suite("DNS replies: answers read, malformed replies refused by name")
struct DNSMessageTests {
    /// A reply to `query(id: 0x1234, name: "a.test", type: .A)` with `answers` after the question.
    static func reply(answers: [UInt8], count: UInt8, flags: [UInt8] = [0x81, 0x80]) -> [UInt8] {
        [0x12, 0x34] + flags + [0, 1, 0, count, 0, 0, 0, 0] + question + answers
    }
    /// `a.test` A IN, at byte 12 (so a pointer to the name is c0 0c).
    static let question: [UInt8] = [1, 0x61, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1]
    static func record(type: UInt16, data: [UInt8], name: [UInt8] = [0xc0, 0x0c]) -> [UInt8] {
        name + [UInt8(type >> 8), UInt8(type & 0xff), 0, 1, 0, 0, 0x0e, 0x10, 0, UInt8(data.count)] + data
    }

    @Test("the query is a standard recursive query with the name's labels")
    func query() throws {
        let bytes = try DNSMessage.query(id: 0x1234, name: "a.test.", type: .A)
        #expect(bytes == [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + Self.question)
        #expect(throws: DNSMessage.Problem.self) { try DNSMessage.query(id: 1, name: "a..test", type: .A) }
        #expect(throws: DNSMessage.Problem.self) { try DNSMessage.query(id: 1, name: String(repeating: "a", count: 64), type: .A) }
    }

    @Test("A, AAAA, CNAME, MX, SRV and TXT data read as text; compressed names followed back")
    func answers() throws {
        let answers = Self.record(type: 1, data: [192, 0, 2, 1])
            + Self.record(type: 28, data: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])
            + Self.record(type: 5, data: [3, 0x77, 0x77, 0x77, 0xc0, 0x0e])
            + Self.record(type: 15, data: [0, 10, 4, 0x6d, 0x61, 0x69, 0x6c, 0xc0, 0x0e])
            + Self.record(type: 33, data: [0, 0, 0, 5, 0x13, 0xc4, 0xc0, 0x0c])
            + Self.record(type: 16, data: [3, 0x61, 0x62, 0x63, 2, 0x64, 0x65])
        let reply = try DNSMessage.parse(Self.reply(answers: answers, count: 6), expectedID: 0x1234)
        #expect(reply.rcode == 0 && !reply.truncated)
        #expect(reply.answers.map(\.data) == ["192.0.2.1", "2001:db8::1", "www.test", "10 mail.test", "0 5 5060 a.test", "abcde"])
        #expect(reply.answers.allSatisfy { $0.name == "a.test" && $0.ttl == 3600 })
    }

    @Test("IPv6 text follows RFC 5952: the longest zero run is ::, a single zero group is not")
    func ipv6() {
        #expect(DNSReader.ipv6Text([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]) == "2001:db8:0:1::1")
        #expect(DNSReader.ipv6Text(Array(repeating: 0, count: 15) + [1]) == "::1")
        #expect(DNSReader.ipv6Text([0, 1] + Array(repeating: 0, count: 14)) == "1::")
        #expect(DNSReader.ipv6Text([0x20, 0x01, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]) == "2001:0:1:1:1:1:1:1")
    }

    @Test("rcode and the truncation bit come from the header")
    func header() throws {
        let reply = try DNSMessage.parse(Self.reply(answers: [], count: 0, flags: [0x83, 0x83]))
        #expect(DNSMessage.rcodeName(reply.rcode) == "NXDOMAIN" && reply.truncated)
        #expect(DNSMessage.rcodeName(12) == "RCODE12")
    }

    @Test("a malformed reply is a problem naming what is wrong and where", arguments: [
        (Array("garbage!".utf8), "the reply is 8 bytes, shorter than the 12-byte DNS header"),
        (reply(answers: [], count: 1), "the reply ends at byte 24 inside a name that starts at byte 24 (truncated packet)"),
        (reply(answers: [0xc0, 24] + record(type: 1, data: [1, 2, 3, 4]).dropFirst(2), count: 1),
         "the compression pointer at byte 24 points to byte 24, back into the name it is part of (a compression loop)"),
        (reply(answers: [0xc0, 30, 0], count: 1), "the compression pointer at byte 24 points to byte 30, forward, which a compression pointer may not"),
        (reply(answers: record(type: 1, data: [1, 2, 3, 4, 5, 6]).dropLast(3), count: 1),
         "answer 1 declares 6 bytes of data at byte 36, past the end of the 39-byte reply (truncated packet)"),
        (reply(answers: record(type: 5, data: [1, 0x61, 0, 0]), count: 1), "answer 1's data at byte 36 is 3 bytes, not the 4 it declares"),
        (reply(answers: [0x80, 0], count: 1), "byte 24 starts a label with the reserved bits 2 set (neither a length nor a pointer)"),
        (reply(answers: [], count: 0, flags: [0x01, 0x00]), "the message is a query, not a reply (its QR bit is 0)"),
        (reply(answers: record(type: 16, data: [9, 0x61]), count: 1), "a TXT string at byte 36 runs past its record's data (truncated packet)"),
    ] as [([UInt8], String)])
    func malformed(bytes: [UInt8], message: String) {
        #expect(throws: DNSMessage.Problem(message)) { try DNSMessage.parse(bytes) }
    }

    @Test("a reply with another id than the query's is refused")
    func wrongID() {
        #expect(throws: DNSMessage.Problem("the reply's id 4660 does not match the query's id 4661")) {
            try DNSMessage.parse(Self.reply(answers: [], count: 0), expectedID: 0x1235)
        }
    }

    @Test("a chain of backward pointers ends; a pointer back into its own chain is a loop")
    func pointerChains() throws {
        // The answer's name: "x" then a pointer to the question's name (byte 12).
        let chained = Self.reply(answers: Self.record(type: 1, data: [1, 2, 3, 4], name: [1, 0x78, 0xc0, 0x0c]), count: 1)
        #expect(try DNSMessage.parse(chained).answers.first?.name == "x.a.test")
        // Two names pointing at each other: the second hop would go forward again.
        let answers: [UInt8] = [0xc0, 26, 0xc0, 24] + Array(Self.record(type: 1, data: [1, 2, 3, 4]).dropFirst(2))
        #expect(throws: DNSMessage.Problem.self) { try DNSMessage.parse(Self.reply(answers: answers, count: 1)) }
    }

    @Test("label bytes outside printable ASCII are escaped, never passed on raw")
    func labelEscapes() {
        #expect(DNSReader.labelText([0x61, 0x1b, 0x2e, 0x5c, 0xff]) == "a\\027\\046\\092\\255")
    }

    /// The seeds of scripts/fuzz-dns: real replies of the test servers' dnsmasq (read) and of
    /// scripts/hostile-dns.py (each refused but the well-formed one), and what libFuzzer found.
    @Test("the fuzz seeds and regressions: real replies read, hostile ones refused by name")
    func fuzzSeeds() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        var read = 0
        for folder in ["DNSFuzzSeeds", "DNSFuzzRegressions"] {
            let path = tests.appendingPathComponent(folder).path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
                // wrongid is a well-formed reply (to another query), read when no id is expected.
                let hostile = name.hasPrefix("hostile-") && !["hostile-fine.udp", "hostile-wrongid.udp"].contains(name) || folder == "DNSFuzzRegressions"
                do {
                    let reply = try DNSMessage.parse(bytes)
                    #expect(!hostile || folder == "DNSFuzzRegressions", "\(name) was read")
                    #expect(reply.answers.allSatisfy { !$0.name.unicodeScalars.contains { $0.value <= 0x20 || $0.value >= 0x7F } })
                    read += 1
                } catch {
                    #expect(hostile, "\(name): \(error)")
                    #expect(!error.description.isEmpty && error.description.utf8.count <= 500)
                }
            }
        }
        #expect(read >= 12)
    }
}
