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
    ])
    func parses(text: String, segments: [JSONPath.Segment]) throws {
        let path = try JSONPath.parse(text)
        #expect(path.segments == segments)
        #expect(path.source == text)
    }

    @Test("malformed paths say where and why", arguments: [
        ("", 1, "a JSONPath starts with '$'"),
        ("a.b", 1, "did you mean '$.a.b'?"),
        ("$a", 2, "expected '.' or '[' after '$', found 'a'"),
        ("$.", 3, "expected a name after '.'"),
        ("$..", 4, "expected a name after '.'"),
        ("$.a[", 5, "expected a quoted name, an index or * after '['"),
        ("$.a[0", 6, "expected ']' to close the '[' at character 4"),
        ("$['a'", 6, "expected ']'"),
        ("$['a]", 3, "the quoted name opened at character 3 is never closed"),
        ("$[0:2]", 4, "slices [a:b] are not supported"),
        ("$[0,1]", 4, "unions [a,b] are not supported"),
        ("$[?(@.a)]", 3, "filter expressions [?(…)] are not supported"),
        ("$[-]", 3, "'-' is not an array index"),
        ("$.a b", 4, "' ' can't appear in a .name"),
        ("$..[0]", 4, "only a name or [*] can follow '..'"),
    ])
    func errors(text: String, column: Int, message: String) {
        #expect {
            try JSONPath.parse(text)
        } throws: { error in
            guard let error = error as? JSONPathSyntaxError else { return false }
            return error.column == column && error.message.contains(message)
        }
    }
}
