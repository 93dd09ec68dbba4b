/// A JSON5 value with the place of every value and object key, so that load-time problems can
/// name `file:line:column`. `value` drops the places.
public struct LocatedJSON: Sendable {
    public enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([LocatedJSON])
        /// Members in source order; repeated keys are kept so the loader can report them.
        case object([Member])
    }

    /// One `key: value` of an object.
    public struct Member: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: LocatedJSON
        public init(key: String, keyLocation: SourceLocation, value: LocatedJSON) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The plain value, without places.
    public var value: JSONValue {
        switch kind {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(\.value))
        case .object(let members): return .object(members.map { (key: $0.key, value: $0.value.value) })
        }
    }
}

/// What the parser builds for each value; lets one parser make both plain and located trees
/// without paying for places when parsing response bodies.
protocol JSONTreeBuilder {
    associatedtype Node
    func leaf(_ value: JSONValue, at offset: Int) -> Node
    func array(_ items: [Node], at offset: Int) -> Node
    func object(_ members: [(key: String, keyOffset: Int, value: Node)], at offset: Int) -> Node
}

/// Builds plain `JSONValue`s; offsets are ignored.
struct PlainTreeBuilder: JSONTreeBuilder {
    func leaf(_ value: JSONValue, at offset: Int) -> JSONValue { value }
    func array(_ items: [JSONValue], at offset: Int) -> JSONValue { .array(items) }
    func object(_ members: [(key: String, keyOffset: Int, value: JSONValue)], at offset: Int) -> JSONValue {
        .object(members.map { (key: $0.key, value: $0.value) })
    }
}

/// Builds `LocatedJSON`, turning byte offsets into lines and columns through a line table.
struct LocatedTreeBuilder: JSONTreeBuilder {
    let file: String
    let lines: LineTable

    func location(_ offset: Int) -> SourceLocation {
        let position = lines.position(ofByte: offset)
        return SourceLocation(file: file, line: position.line, column: position.column)
    }

    func leaf(_ value: JSONValue, at offset: Int) -> LocatedJSON {
        let kind: LocatedJSON.Kind
        switch value {
        case .bool(let flag): kind = .bool(flag)
        case .number(let number): kind = .number(number)
        case .string(let text): kind = .string(text)
        // The parser only hands scalars to `leaf`.
        case .null, .array, .object: kind = .null
        }
        return LocatedJSON(kind: kind, location: location(offset))
    }

    func array(_ items: [LocatedJSON], at offset: Int) -> LocatedJSON {
        LocatedJSON(kind: .array(items), location: location(offset))
    }

    func object(_ members: [(key: String, keyOffset: Int, value: LocatedJSON)], at offset: Int) -> LocatedJSON {
        let located = members.map { LocatedJSON.Member(key: $0.key, keyLocation: location($0.keyOffset), value: $0.value) }
        return LocatedJSON(kind: .object(located), location: location(offset))
    }
}
