import Testing
@testable import CanaryKit

@Suite("JSONPath parsing")
struct JSONPathParseTests {
    @Test("every supported form parses into segments", arguments: [
        ("$", [JSONPath.Segment]()),
        ("$.name", [.key("name")]),
        ("$.a.b", [.key("a"), .key("b")]),
        ("$.headers.X-Request-Id", [.key("headers"), .key("X-Request-Id")]),
        ("$['a b']", [.key("a b")]),
        ("$[\"a.b\"]", [.key("a.b")]),
        ("$['it\\'s']", [.key("it's")]),
        ("$[0]", [.index(0)]),
        ("$.items[-1]", [.key("items"), .index(-1)]),
        ("$.items[*]", [.key("items"), .wildcard]),
        ("$.*", [.wildcard]),
        ("$..name", [.descendant("name")]),
        ("$..*", [.descendantWildcard]),
        ("$..[*]", [.descendantWildcard]),
        ("$..['a b']", [.descendant("a b")]),
        ("$.slideshow.slides[0].title", [.key("slideshow"), .key("slides"), .index(0), .key("title")]),
        ("$[0][1]", [.index(0), .index(1)]),
        ("$.café", [.key("café")]),
        ("$[1:3]", [.children([.slice(start: 1, end: 3, step: nil)])]),
        ("$[::-1]", [.children([.slice(start: nil, end: nil, step: -1)])]),
        ("$['a',\"b\",0, *]", [.children([.name("a"), .name("b"), .index(0), .wildcard])]),
        ("$ .a", [.key("a")]),
        ("$..[0]", [.descendants([.index(0)])]),
        ("$['\\u00e9\\uD83D\\uDE00']", [.key("é😀")]),
    ])
    func parses(text: String, segments: [JSONPath.Segment]) throws {
        let path = try JSONPath.parse(text)
        #expect(path.segments == segments)
        #expect(path.source == text)
    }

    @Test("malformed paths say where and why", arguments: [
        ("", 1, "a JSONPath starts with '$'"),
        ("a.b", 1, "did you mean '$.a.b'?"),
        ("$a", 2, "expected '.', '..' or '[' after '$', found 'a'"),
        ("$.", 3, "expected a name or '*' after '.', found the end of the path"),
        ("$..", 4, "expected a name or '*' after '..'"),
        ("$.a[", 5, "expected a quoted name, '*', an index, a slice or a filter '?' after '['"),
        ("$.a[0", 6, "expected ']' to close the '[' at character 4"),
        ("$['a'", 6, "expected ']'"),
        ("$['a]", 3, "the string opened at character 3 is never closed"),
        ("$[-]", 4, "expected a digit after '-', found ']'"),
        ("$.a b", 4, "a JSONPath can't end with a blank"),
        ("$ ", 2, "a JSONPath can't end with a blank"),
        ("$.1", 3, "a .name can't start with '1'"),
        ("$[01]", 3, "an index can't have a leading zero ('01')"),
        ("$[-0]", 3, "'-0' is not an index; write 0"),
        ("$[9007199254740992]", 3, "outside the exact integer range"),
        ("$['a\u{1}b']", 5, "control character U+1 must be escaped"),
        ("$['\\q']", 4, "\\ before 'q' is not an escape"),
        ("$['\\uD800']", 4, "is a high surrogate that must be followed by a \\u low surrogate"),
        ("$[?@.a = 1]", 8, "a single '=' is not a comparison; write '=='"),
        ("$[?@.* == 1]", 4, "only a singular query"),
        ("$[?length(@.a)]", 4, "length() gives a value, not true/false"),
        ("$[?match(@.a, 'x') == true]", 4, "match() gives true/false, which can't be compared"),
        ("$[?count(1) > 0]", 10, "count() takes a query"),
        ("$[?length(@.*) > 0]", 11, "this query may select several nodes"),
        ("$[?length(@.a, 1) > 0]", 4, "length() takes 1 argument, not 2"),
        ("$[?lengthy(@.a)]", 4, "unknown function 'lengthy'"),
        ("$[?length (@.a) > 1]", 4, "must be followed directly by '('"),
        ("$[?@.a == True]", 11, "'True' is not a literal") ,
        ("$[?1]", 4, "a literal alone is not a test"),
        ("$[?!@.a == 1]", 4, "a negated test can't be compared"),
        ("$[?(@.a > 1]", 12, "expected ')' to close the '(' at character 4"),
        ("$[?@.a == 01]", 11, "a number can't have a leading zero"),
        ("$[1 2]", 5, "expected ',' or ']' after a selector, found '2'"),
        ("@.a", 1, "a JSONPath starts with '$'"),
    ])
    func errors(text: String, column: Int, message: String) {
        #expect {
            try JSONPath.parse(text)
        } throws: { error in
            guard let error = error as? JSONPathSyntaxError else { return false }
            return error.column == column && error.message.contains(message)
        }
    }

    @Test("filters nested past 64 levels are refused with a message, and 100,000 levels do not overflow the stack")
    func nesting() throws {
        func nested(_ depth: Int) -> String {
            "$" + String(repeating: "[?@", count: depth) + String(repeating: "]", count: depth)
        }
        _ = try JSONPath.parse(nested(60))
        for text in [nested(65), nested(100_000), "$[?" + String(repeating: "(", count: 100_000) + "@)]",
                     "$[?" + String(repeating: "length(", count: 100_000) + "@"] {
            #expect {
                try JSONPath.parse(text)
            } throws: { error in
                (error as? JSONPathSyntaxError)?.message.contains("nested more than 64 levels deep") == true
            }
        }
    }
}
