import Foundation
import Testing
@testable import CanaryKit

/// The listener's request parser reads whatever a client sends: limits, refusals, and a fuzz pass.
@Suite("listen: request parser")
struct ServedRequestParserTests {
    private func parse(_ text: String, _ limits: ServedRequestParser.Limits = .init()) -> ServedParse {
        ServedRequestParser.parse(Array(text.utf8)[...], limits: limits)
    }

    @Test("a GET with headers, keep-alive by default in HTTP/1.1, closed by Connection: close or in HTTP/1.0")
    func requests() {
        let head = "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"
        #expect(parse(head + "GET /") == .request(ServedRequest(method: "GET", path: "/metrics", minorVersion: 1, keepAlive: true, hasBody: false), consumed: head.utf8.count))
        guard case .request(let closed, _) = parse("HEAD / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n") else { Issue.record("not parsed"); return }
        #expect(!closed.keepAlive && closed.method == "HEAD")
        guard case .request(let old, _) = parse("GET / HTTP/1.0\n\n") else { Issue.record("not parsed"); return }
        #expect(!old.keepAlive)
        guard case .request(let absolute, _) = parse("GET http://127.0.0.1:9464/-/ready HTTP/1.1\r\nHost: a\r\n\r\n") else { Issue.record("not parsed"); return }
        #expect(absolute.path == "/-/ready")
        guard case .request(let body, _) = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n") else { Issue.record("not parsed"); return }
        #expect(body.hasBody && body.method == "POST")
    }

    @Test("incomplete until the blank line; 414 past the request-line limit, 431 past the head limit, at most that many bytes read")
    func limits() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n") == .incomplete)
        #expect(parse("GET /" + String(repeating: "a", count: 5000)) == .incomplete)
        #expect(parse("GET /" + String(repeating: "a", count: 9000)) == .failure(ServedFailure(status: 414, reason: "URI Too Long")))
        #expect(parse("GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\n\r\n") == .failure(ServedFailure(status: 414, reason: "URI Too Long")))
        let big = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-Pad: \(String(repeating: "p", count: 100))\r\n", count: 200)
        if case .failure(let failure) = parse(big) { #expect(failure.status == 431) } else { Issue.record("not refused") }
        let many = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "A: b\r\n", count: 101) + "\r\n"
        if case .failure(let failure) = parse(many) { #expect(failure.status == 431) } else { Issue.record("not refused") }
    }

    @Test("garbage is 400 at once, an unknown version 505, a missing Host in HTTP/1.1 400")
    func refusals() {
        for text in ["\u{16}\u{03}\u{01}\u{02}", "\0\0\0", " GET / HTTP/1.1\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "GET nopath HTTP/1.1\r\nHost: a\r\n\r\n",
                     "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "GET / HTTP/1.1\r\n\r\n",
                     "GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n", String(repeating: "A", count: 40)] {
            if case .failure(let failure) = parse(text) { #expect(failure.status == 400, "\(text.debugDescription)") } else { Issue.record("\(text.debugDescription) not refused") }
        }
        if case .failure(let failure) = parse("GET / HTTP/2.0\r\n\r\n") { #expect(failure.status == 505) } else { Issue.record("HTTP/2.0 not refused") }
    }

    @Test("fuzz: 20,000 mangled requests never crash, never read past the limits, and a parsed one consumed what it said")
    func fuzz() {
        let seeds = ["GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\n\r\n", "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                     "GET /api/canaries HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\nGET / HTTP/1.1\r\n"].map { Array($0.utf8) }
        var mangler = Mangler(seeds: seeds, seed: 0x11573)
        let limits = ServedRequestParser.Limits(requestLine: 64, head: 128, headers: 4)
        for _ in 0..<20_000 {
            let input = mangler.next()
            switch ServedRequestParser.parse(input[...], limits: limits) {
            case .request(let request, let consumed):
                #expect(consumed > 0 && consumed <= input.count && consumed <= limits.head + 10, "\(input)")
                #expect(request.path.hasPrefix("/"))
            case .failure(let failure):
                #expect([400, 414, 431, 505].contains(failure.status))
            case .incomplete:
                #expect(input.count <= limits.head + limits.requestLine + 10, "incomplete past the limits: \(input.count) bytes")
            }
        }
    }
}
