@testable import CurlEngine
import Foundation
import Testing

@Suite("Pure parsing and classification")
struct ParsingTests {
    @Test("certificate dates parse in OpenSSL and ISO-like formats", arguments: [
        ("Dec 22 14:44:54 2026 GMT", 1_797_950_694.0),
        ("Jan  5 00:00:00 2027 GMT", 1_799_107_200.0),
        ("2026-12-22 14:44:54 GMT", 1_797_950_694.0),
    ])
    func certificateDates(text: String, epoch: Double) {
        #expect(parseCertificateDate(text) == Date(timeIntervalSince1970: epoch))
    }

    @Test("malformed certificate dates are rejected", arguments: ["", "Dec 22 2026", "Foo 22 14:44:54 2026 GMT", "2026-13-01 00:00:00 GMT"])
    func badDates(text: String) {
        #expect(parseCertificateDate(text) == nil)
    }

    @Test("header names compare case-insensitively; non-ASCII names as Foundation compares them", arguments: [
        ("Content-Type", "content-type", true), ("CONTENT-TYPE", "Content-Type", true), ("Content-Type", "Content-Typf", false),
        ("Content-Type", "Content-Type2", false), ("", "", true), ("X-[", "x-{", false), ("X-@", "x-`", false),
        ("Grüße", "GRÜSSE", "Grüße".caseInsensitiveCompare("GRÜSSE") == .orderedSame), ("É-x", "é-X", true),
    ])
    func headerNames(a: String, b: String, same: Bool) {
        #expect(HTTPHeader.sameName(a, b) == same)
        #expect([HTTPHeader(name: a, value: "v")].value(named: b) == (same ? "v" : nil))
    }

    @Test("certificate fields match keys case-insensitively")
    func certificateFields() throws {
        let certificate = try #require(parseCertificate(fields: [
            "Subject:CN = localhost", "Issuer:CN = canary test CA",
            "Start Date:2026-11-22 14:44:54 GMT", "Expire Date:2026-12-22 14:44:54 GMT",
        ]))
        #expect(certificate.subject == "CN = localhost")
        #expect(certificate.issuer == "CN = canary test CA")
        #expect(certificate.notAfter == Date(timeIntervalSince1970: 1_797_950_694))
        #expect(certificate.notBefore == Date(timeIntervalSince1970: 1_797_950_694 - 30 * 86_400))
    }

    @Test("curl codes map to kinds", arguments: [
        (28, "", TransferError.Kind.timeout), (7, "Couldn't connect to server", .connectionRefused),
        (7, "Failed to connect: Connection timed out", .timeout), (6, "", .dns), (35, "", .tls),
        (60, "", .certificate), (51, "", .certificate), (56, "Connection reset by peer", .reset),
        (52, "Empty reply from server", .malformedResponse), (8, "", .malformedResponse),
        (47, "", .tooManyRedirects), (3, "", .invalidRequest), (1, "", .invalidRequest), (42, "", .other),
        (1, "Received HTTP/0.9 when not allowed", .malformedResponse),
        (56, "Too large response headers: 307289 > 307200", .malformedResponse),
    ])
    func classification(code: Int, message: String, kind: TransferError.Kind) {
        #expect(classify(code: code, message: message) == kind)
    }

    @Test("our own errno (no descriptor, no local port, no buffer, no memory) is ours, the target's is not", arguments: [
        (7, EMFILE, true), (7, ENFILE, true), (7, EADDRNOTAVAIL, true), (7, ENOBUFS, true), (7, ENOMEM, true),
        (27, 0, true), (7, ECONNREFUSED, false), (7, 0, false), (28, ETIMEDOUT, false), (56, ECONNRESET, false),
    ])
    func localResource(code: Int, osErrno: Int32, ours: Bool) {
        #expect((LocalResourceError(code: code, osErrno: osErrno) != nil) == ours)
    }

    @Test("reason phrases and TLS origins")
    func statusLineAndOrigin() {
        #expect(EasyTransfer.reasonPhrase(statusLine: "HTTP/1.1 404 Not Found") == "Not Found")
        #expect(EasyTransfer.reasonPhrase(statusLine: "HTTP/2 200 ") == "")
        #expect(EasyTransfer.tlsOrigin(of: "https://user:pw@Example.com:8443/a?b") == "https://example.com:8443")
        #expect(EasyTransfer.tlsOrigin(of: "http://example.com/") == nil)
    }
}
