import CanaryKit
import Testing

@Suite("--vars-file lines")
struct VariablesFileTests {
    @Test("a file saved with CR LF line ends gives one variable a line, without the CR")
    func crlf() throws {
        #expect(try VariablesFile.parse("# staging\r\nbase=https://staging.example\r\nretries=3\r\n", file: "v.env")
            == ["base": "https://staging.example", "retries": "3"])
    }
}

@Suite("PrintableText lines")
struct PrintableLinesTests {
    @Test("LF and CR LF both end a line; a lone CR and other control characters stay escaped")
    func lines() {
        #expect(PrintableText.lines(of: "a\r\nb\nc\r\n").map(String.init) == ["a", "b", "c", ""])
        #expect(PrintableText.escapingLines("<h1>404</h1>\r\n<p>x\ry\u{1B}[2J</p>\r\n") == "<h1>404</h1>\n<p>x\\ry\\u001B[2J</p>\n")
    }
}

@Suite("console counts")
struct CountedTests {
    @Test("one canary, two canaries, zero canaries")
    func plural() {
        #expect(ConsoleReport.summary(passed: 1, failed: 0, elapsedMs: 12) == "1 passed, 0 failed (1 canary in 12ms)")
        #expect(ConsoleReport.summary(passed: 1, failed: 1, elapsedMs: 12) == "1 passed, 1 failed (2 canaries in 12ms)")
        #expect(counted(0, "problem", "problems") == "0 problems")
    }
}
