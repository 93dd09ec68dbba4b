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
