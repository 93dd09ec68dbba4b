import Foundation
import Testing
@testable import CanaryKit

/// The one redactor: every encoding a server echoes, masked before any cut (issues 22.8, 23.6).
@Suite("Redaction")
struct RedactorTests {
    static let secret = "AbC/dEf+GhI= \"q\" \\ é"

    @Test("a secret is masked raw and in every echoed encoding", arguments: [
        "AbC/dEf+GhI= \"q\" \\ é",
        "AbC%2FdEf%2BGhI%3D%20%22q%22%20%5C%20%C3%A9",
        "AbC%2fdEf%2bGhI%3d+%22q%22+%5c+%c3%a9",
        "AbC/dEf%2BGhI%3D%20%22q%22%20%5C%20%C3%A9",
        #"AbC\/dEf+GhI= \"q\" \\ \u00e9"#,
        #"AbC/dEf+GhI= \\\"q\\\" \\\\ \\u00E9"#,
        #"AbC/dEf+GhI= \u{22}q\u{22} \\ é"#,
    ])
    func encodings(echo: String) {
        let redactor = Redactor(secrets: [Self.secret])
        #expect(redactor.redact("before \(echo) after") == "before *** after")
    }

    @Test("base64 of a secret is masked at any offset inside a longer base64 text")
    func base64() {
        let secret = "Pl4ntedSeCreT0xC0FFEE"
        let redactor = Redactor(secrets: [secret])
        for prefix in ["", "a", "ab", "alice:"] {
            let encoded = Data((prefix + secret + "!").utf8).base64EncodedString()
            let masked = redactor.redact(encoded)
            #expect(masked.contains("***"), "\(prefix): \(masked)")
            #expect(!masked.contains(String(Data(secret.utf8).base64EncodedString().dropFirst(2).prefix(10))), "\(prefix): \(masked)")
        }
    }

    @Test("masking comes before the cut: a secret straddling the cut leaves no part of itself", arguments: [4000, 4090, 4095, 4100])
    func maskThenCut(offset: Int) {
        let secret = "Pl4ntedSeCreT0xC0FFEE"
        let body = Array((String(repeating: "x", count: offset) + secret + String(repeating: "y", count: 200)).utf8)
        let (shown, truncated) = Redactor(secrets: [secret]).maskedPrefix(body, limit: 4096)
        let text = String(decoding: shown, as: UTF8.self)
        #expect(truncated && shown.count <= 4096)
        #expect(!text.contains("Pl4nt") && !text.hasSuffix("P"), "\(text.suffix(30))")
        let message = Redactor(secrets: [secret]).maskedPrefix(
            String(repeating: "x", count: 185) + secret + String(repeating: "y", count: 100), characters: 200)
        #expect(message == String(repeating: "x", count: 185) + "***" + String(repeating: "y", count: 12) + "… (306 characters in all)")
    }

    @Test("the request line is masked as a whole, a colon in it or in the secret notwithstanding")
    func requestLine() {
        let redactor = Redactor(secrets: ["c0lon:Secret"])
        #expect(redactor.redactHeaderLine("GET /anything?token=c0lon:Secret&at=12:00 HTTP/1.1") == "GET /anything?token=***&at=12:00 HTTP/1.1")
        #expect(redactor.redactHeaderLine("X-Key: c0lon:Secret") == "X-Key: ***")
        #expect(redactor.redactHeaderLine("Authorization: Bearer abc") == "Authorization: ***")
    }
}
