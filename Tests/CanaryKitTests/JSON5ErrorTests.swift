import Testing
@testable import CanaryKit

private func syntaxError(_ text: String) -> JSON5.SyntaxError? {
    syntaxError(Array(text.utf8))
}

private func syntaxError(_ bytes: [UInt8]) -> JSON5.SyntaxError? {
    do {
        _ = try JSON5.parseJSON(bytes)
        return nil
    } catch {
        return error
    }
}

@Suite("JSON5 syntax errors")
struct JSON5ErrorTests {
    @Test("syntax errors give the exact line and column and say what was expected", arguments: [
        ("{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}' after object member, found '\"'"),
        ("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "expected ':' after key 'b', found '2'"),
        ("[1, 2\n", 2, 1, "expected ',' or ']' after array element, found the end of the file; the array opened at line 1, column 1 is never closed"),
        ("{a: 1,,}", 1, 7, "expected a key (a string or a name) or '}', found ','"),
        ("", 1, 1, "the document is empty"),
        ("  // only a comment\n", 2, 1, "the document is empty"),
        ("{\"a\": tru}", 1, 7, "expected a value (object, array, string, number, true, false or null), found 'tru'"),
        ("{\"a\": \"x\n\"}", 1, 9, "a string can't contain a line break"),
        ("\"abc", 1, 5, "expected the closing quote of the string, found the end of the file; the string opened at line 1, column 1"),
        ("/* open", 1, 8, "expected '*/' to end the comment, found the end of the file; the comment opened at line 1, column 1"),
        ("[1] 2", 1, 5, "expected the end of the document after the value, found '2'"),
        ("{Content-Type: 1}", 1, 9, "an unquoted key can't contain '-'; quote the key"),
        ("07", 1, 1, "a number can't start with 0"),
        ("12px", 1, 3, "expected the end of the number, found 'px'"),
        ("1e", 1, 3, "expected digits after the exponent 'e'"),
        ("0x", 1, 3, "expected hexadecimal digits after '0x'"),
        ("\"\\uD83D\"", 1, 2, "lone surrogate \\uD83D"),
        ("\"\\u12\"", 1, 6, "expected 4 hexadecimal digits in the escape \\u"),
        ("\"\\1\"", 1, 2, "octal escapes are not allowed"),
        ("{\"é\": ]}", 1, 7, "expected a value"),
    ])
    func positions(text: String, line: Int, column: Int, message: String) throws {
        let error = try #require(syntaxError(text))
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test("invalid UTF-8 is reported with its position", arguments: [
        ([UInt8]("{\"a\": \"".utf8) + [0xFF] + [UInt8]("\"}".utf8), 1, 8),
        ([UInt8]("[1,\n  \"".utf8) + [0xC3, 0x28] + [UInt8]("\"]".utf8), 2, 4),
        ([UInt8]("\"".utf8) + [0xED, 0xA0, 0x80] + [UInt8]("\"".utf8), 1, 2),   // an encoded surrogate
        ([UInt8]("\"".utf8) + [0xE2, 0x82], 1, 2),                              // truncated sequence
    ])
    func invalidUTF8(bytes: [UInt8], line: Int, column: Int) throws {
        let error = try #require(syntaxError(bytes))
        #expect(error.message.contains("invalid UTF-8"))
        #expect(error.line == line)
        #expect(error.column == column)
    }

    @Test("nesting deeper than the limit names the limit")
    func depthMessage() throws {
        let error = try #require(syntaxError(String(repeating: "[", count: 300)))
        #expect(error.message.contains("nested more than 256 levels"))
        #expect(error.column == 257)
    }

    @Test("the description reads line, column and message")
    func description() throws {
        let error = try #require(syntaxError("[1 2]"))
        #expect(error.description == "line 1, column 4: expected ',' or ']' after array element, found '2'")
    }
}
