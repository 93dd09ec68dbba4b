import Testing
@testable import CanaryKit

private func parse(_ text: String) throws -> JSONValue {
    try JSON5.parseJSON(Array(text.utf8))
}

@Suite("JSON5 syntax")
struct JSON5SyntaxTests {
    @Test("JSON5 features parse to the same values as their strict JSON spelling", arguments: [
        ("// line comment\n{\"a\": 1}", "{\"a\": 1}"),
        ("/* block\n comment */ [1, /* inside */ 2]", "[1, 2]"),
        ("{a: 1, b: 2,}", "{\"a\": 1, \"b\": 2}"),
        ("[1, 2, 3,]", "[1, 2, 3]"),
        ("{$ref: 1, _id: 2, café: 3}", "{\"$ref\": 1, \"_id\": 2, \"café\": 3}"),
        ("'single \"quoted\"'", "\"single \\\"quoted\\\"\""),
        ("0x1F", "31"),
        ("-0XFF", "-255"),
        (".5", "0.5"),
        ("5.", "5"),
        ("+7", "7"),
        ("1e3", "1000"),
        ("'it\\'s'", "\"it's\""),
        ("'a\\\nb'", "\"ab\""),
        ("'a\\\r\nb'", "\"ab\""),
        ("'\\x41\\v\\0'", "\"A\\u000b\\u0000\""),
        ("\"\\uD83D\\uDE00\"", "\"😀\""),
        ("\"\\u00e9\\t\\n\\/\"", "\"é\\t\\n/\""),
        ("\u{FEFF}{\"bom\": true}", "{\"bom\": true}"),
        ("{\"nested\": {\"deep\": [null, true, false]}}", "{\"nested\": {\"deep\": [null, true, false]}}"),
    ])
    func json5Features(json5: String, json: String) throws {
        #expect(try parse(json5) == parse(json))
    }

    @Test("Infinity and NaN are accepted with an optional sign")
    func infinityAndNaN() throws {
        #expect(try parse("Infinity") == .number(.infinity))
        #expect(try parse("-Infinity") == .number(-.infinity))
        guard case .number(let nan) = try parse("NaN") else { Issue.record("not a number"); return }
        #expect(nan.isNaN)
    }

    @Test("numbers too large for a Double become infinity instead of failing")
    func hugeNumbers() throws {
        #expect(try parse("1e999999") == .number(.infinity))
        let digits = String(repeating: "9", count: 100_000)
        #expect(try parse(digits) == .number(.infinity))
        #expect(try parse("12345678901234567890") == .number(1.2345678901234567e19))
    }

    @Test("object keys keep their source order")
    func keyOrder() throws {
        guard case .object(let members) = try parse("{z: 1, a: 2, m: 3}") else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["z", "a", "m"])
    }

    @Test("the located tree gives line and column of every value and key")
    func locations() throws {
        let text = "{\n  \"a\": [1,\n    'two'],\n  b: {c: null}\n}"
        let root = try JSON5.parseLocated(Array(text.utf8), file: "x.json")
        #expect(root.location == SourceLocation(file: "x.json", line: 1, column: 1))
        guard case .object(let members) = root.kind, case .array(let items) = members[0].value.kind else {
            Issue.record("unexpected shape"); return
        }
        #expect(members[0].keyLocation.description == "x.json:2:3")
        #expect(members[0].value.location.description == "x.json:2:8")
        #expect(items[1].location.description == "x.json:3:5")
        #expect(members[1].keyLocation.description == "x.json:4:3")
        #expect(root.value == (try parse(text)))
    }

    @Test("columns count characters, not bytes, after non-ASCII text")
    func unicodeColumns() throws {
        let root = try JSON5.parseLocated(Array("{\"é€😀\": 1}".utf8), file: "u.json")
        guard case .object(let members) = root.kind else { Issue.record("not an object"); return }
        #expect(members[0].value.location.column == 9)
    }

    @Test("a large minified file still gets exact columns, in linear time")
    func longLine() throws {
        let items = (0..<50_000).map { "{\"k\":\"é\($0)\"}" }.joined(separator: ",")
        let root = try JSON5.parseLocated(Array("[\(items)]".utf8), file: "m.json")
        guard case .array(let elements) = root.kind else { Issue.record("not an array"); return }
        // Each element is {"k":"éN"}: its length in characters plus the comma.
        let expected = 2 + (0..<49_999).reduce(0) { $0 + 10 + String($1).count }
        #expect(elements.last?.location.column == expected)
    }

    @Test("a 100,000-deep nesting is an error, not a crash")
    func deepNesting() {
        for open in ["[", "{\"a\":"] {
            let text = String(repeating: open, count: 100_000)
            #expect(throws: JSON5.SyntaxError.self) { try parse(text) }
        }
        let ok = String(repeating: "[", count: JSON5.maximumDepth) + String(repeating: "]", count: JSON5.maximumDepth)
        #expect((try? parse(ok)) != nil)
    }

    @Test("any Collection of bytes parses, contiguous or not")
    func nonContiguous() throws {
        let bytes = Array("{\"k\": [1, \"v\"]}".utf8)
        #expect(try JSON5.parseJSON(bytes.lazy.map { $0 }) == parse("{\"k\": [1, \"v\"]}"))
        #expect(try JSON5.parseJSON(bytes[...]) == parse("{\"k\": [1, \"v\"]}"))
    }

    @Test("a few MB of JSON parse quickly")
    func largeDocument() throws {
        let item = "{\"id\": 12345, \"name\": \"item name with some text\", \"price\": 12.5, \"tags\": [\"a\", \"b\"], \"ok\": true}"
        let text = "[" + Array(repeating: item, count: 40_000).joined(separator: ",") + "]"
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            guard case .array(let items) = try parse(text) else { Issue.record("not an array"); return }
            #expect(items.count == 40_000)
        }
        // Generous bound for debug builds on a shared machine; release is far faster.
        #expect(elapsed < .seconds(20))
    }
}

@Suite("JSON serialization")
struct JSON5SerializeTests {
    @Test("serialize writes strict JSON that parses back to the same value", arguments: [
        "{\"a\": [1, 2.5, -3e-7, true, null], \"b\": \"q\\\"\\\\\\n\\u0001é\"}",
        "[]", "{}", "[[], {}]", "\"\"", "1e+300",
    ])
    func roundTrip(text: String) throws {
        let value = try parse(text)
        #expect(try parse(JSON5.serialize(value)) == value)
        #expect(try parse(JSON5.serialize(value, pretty: true)) == value)
    }

    @Test("serialize output", arguments: [
        (JSONValue.object([("a", .number(1)), ("b", .array([.string("x\n")]))]), false, "{\"a\":1,\"b\":[\"x\\n\"]}"),
        (.object([("a", .number(1))]), true, "{\n  \"a\": 1\n}"),
        (.array([.number(.nan), .number(.infinity)]), false, "[null,null]"),
        (.number(0.1), false, "0.1"),
        (.string("\u{1F}"), false, "\"\\u001F\""),
    ])
    func output(value: JSONValue, pretty: Bool, expected: String) {
        #expect(JSON5.serialize(value, pretty: pretty) == expected)
    }
}
