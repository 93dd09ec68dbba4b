/// JSON text of records, HAR archives, states and events: any `Encodable`, keys sorted, written by
/// the same `JSONWriter` as request bodies. It exists for speed: Foundation's `JSONEncoder` cost
/// about a quarter of a run's CPU (boxing every value, casting each one to Date/URL/Data), where
/// this builds a plain `JSONValue` tree through Codable and writes it once.
/// Every numeric type has its own overload: the library's defaults would route them back through
/// the generic `encode`, which recurses. Integers go through `Double`, exact up to 2^53.
enum RecordJSON {
    static func bytes<Value: Encodable>(_ value: Value, pretty: Bool = false) throws -> [UInt8] {
        let root = Node()
        try value.encode(to: ValueEncoder(node: root))
        var writer = JSONWriter(pretty: pretty)
        writer.write(root.value, indent: 0)
        return writer.bytes
    }

    /// One value under construction: containers are reference-typed so nested containers can add
    /// to them after they were handed out, as Codable requires.
    final class Node {
        enum Kind { case scalar, object, array }
        enum Child {
            case leaf(JSONValue)
            case node(Node)
            var value: JSONValue {
                switch self {
                case .leaf(let value): value
                case .node(let node): node.value
                }
            }
        }

        var kind = Kind.scalar
        var scalar = JSONValue.null
        var members: [(key: String, child: Child)] = []
        var items: [Child] = []

        var value: JSONValue {
            switch kind {
            case .scalar: scalar
            case .array: .array(items.map(\.value))
            case .object:
                .object(members.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.child.value) })
            }
        }

        static func child<Value: Encodable>(_ value: Value) throws -> Child {
            let node = Node()
            try value.encode(to: ValueEncoder(node: node))
            return node.kind == .scalar ? .leaf(node.scalar) : .node(node)
        }
    }

    struct ValueEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.kind = .object
            return KeyedEncodingContainer(KeyedContainer<Key>(node: node))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.kind = .array
            return UnkeyedContainer(node: node)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(node: node)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] { [] }

        private func add(_ value: JSONValue, _ key: Key) { node.members.append((key.stringValue, .leaf(value))) }

        mutating func encodeNil(forKey key: Key) throws { add(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { add(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { add(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { add(.number(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { add(.number(Double(value)), key) }
        mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
            node.members.append((key.stringValue, try Node.child(value)))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            node.members.append((key.stringValue, .node(child)))
            return ValueEncoder(node: child).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            node.members.append((key.stringValue, .node(child)))
            return ValueEncoder(node: child).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Node()
            node.members.append((key.stringValue, .node(child)))
            return ValueEncoder(node: child)
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        var count: Int { node.items.count }

        mutating func encodeNil() throws { node.items.append(.leaf(.null)) }
        mutating func encode(_ value: Bool) throws { node.items.append(.leaf(.bool(value))) }
        mutating func encode(_ value: String) throws { node.items.append(.leaf(.string(value))) }
        mutating func encode(_ value: Double) throws { node.items.append(.leaf(.number(value))) }
        mutating func encode(_ value: Int) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: Float) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: Int8) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: Int16) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: Int32) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: Int64) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: UInt) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: UInt8) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: UInt16) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: UInt32) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode(_ value: UInt64) throws { node.items.append(.leaf(.number(Double(value)))) }
        mutating func encode<Value: Encodable>(_ value: Value) throws { node.items.append(try Node.child(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            node.items.append(.node(child))
            return ValueEncoder(node: child).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Node()
            node.items.append(.node(child))
            return ValueEncoder(node: child).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.items.append(.node(child))
            return ValueEncoder(node: child)
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { node.scalar = .null }
        mutating func encode(_ value: Bool) throws { node.scalar = .bool(value) }
        mutating func encode(_ value: String) throws { node.scalar = .string(value) }
        mutating func encode(_ value: Double) throws { node.scalar = .number(value) }
        mutating func encode(_ value: Int) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: Float) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: Int8) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: Int16) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: Int32) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: Int64) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: UInt) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: UInt8) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: UInt16) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: UInt32) throws { node.scalar = .number(Double(value)) }
        mutating func encode(_ value: UInt64) throws { node.scalar = .number(Double(value)) }
        mutating func encode<Value: Encodable>(_ value: Value) throws {
            try value.encode(to: ValueEncoder(node: node))
        }
    }
}
