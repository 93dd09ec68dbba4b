/// JSON text of records, HAR archives, states and events: any `Encodable`, streamed straight to
/// bytes by the same `JSONWriter` that writes request bodies. It exists for speed: Foundation's
/// `JSONEncoder` cost about a quarter of a run's CPU (it boxes every value into a tree, casts
/// each one to Date/URL/Data and sorts keys), and a tree of our own still cost a tenth.
///
/// Keys come in declaration order, which reads better than sorted order (`canary`, `runId`,
/// `start` … first); `[String: String]` dictionaries (tags) are sorted, so output is stable.
/// Every numeric type has its own overload because the library's defaults would route them
/// back through the generic `encode`, which recurses; integers go through `Double`, exact up
/// to 2^53. Streaming cannot go back: writing to a container after a later sibling has begun
/// (which synthesized Codable never does) throws instead of writing broken JSON.
enum RecordJSON {
    static func bytes<Value: Encodable>(_ value: Value, pretty: Bool = false) throws -> [UInt8] {
        let stream = Stream(pretty: pretty)
        try stream.encode(value, depth: 0, key: nil, in: 0)
        stream.close(deeperThan: 0)
        return stream.writer.bytes
    }

    /// The output and the containers still open, innermost last. Codable never says when a
    /// container ends, so one ends when something is written to a shallower one, or at the end.
    final class Stream {
        var writer: JSONWriter
        private var open: [(object: Bool, count: Int, id: Int)] = []
        private var lastID = 0

        init(pretty: Bool) {
            writer = JSONWriter(pretty: pretty)
        }

        var depth: Int { open.count }
        var innermostID: Int { open.last?.id ?? 0 }

        func close(deeperThan depth: Int) {
            while open.count > depth {
                let container = open.removeLast()
                if writer.pretty && container.count > 0 { writer.newline(open.count) }
                writer.bytes.append(container.object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            }
        }

        /// Starts a value in container `id` at `depth` (0: the top-level value): the comma, the
        /// line break and the key.
        func begin(depth: Int, key: String?, in id: Int) throws {
            close(deeperThan: depth)
            guard depth > 0 else { return }
            guard open.count == depth, open[depth - 1].id == id else {
                throw EncodingError.invalidValue(key ?? "", EncodingError.Context(
                    codingPath: [], debugDescription: "written to a JSON container after a later one began"))
            }
            if open[depth - 1].count > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            open[depth - 1].count += 1
            if writer.pretty { writer.newline(depth) }
            if let key {
                writer.writeString(key)
                writer.append(writer.pretty ? ": " : ":")
            }
        }

        /// Opens the container of the value begun at `depth` and returns its id, or reuses it if
        /// that value asked for its container before.
        func openContainer(object: Bool, for depth: Int) -> Int {
            if open.count > depth {
                close(deeperThan: depth + 1)
                return open[depth].id
            }
            writer.bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
            lastID += 1
            open.append((object, 0, lastID))
            return lastID
        }

        func string(_ text: String, depth: Int, key: String?, in id: Int) throws {
            try begin(depth: depth, key: key, in: id)
            writer.writeString(text)
        }

        func number(_ number: Double, depth: Int, key: String?, in id: Int) throws {
            try begin(depth: depth, key: key, in: id)
            writer.writeNumber(number)
        }

        func bool(_ flag: Bool, depth: Int, key: String?, in id: Int) throws {
            try begin(depth: depth, key: key, in: id)
            writer.writeBool(flag)
        }

        func scalar(_ value: JSONValue, depth: Int, key: String?, in id: Int) throws {
            try begin(depth: depth, key: key, in: id)
            writer.write(value, indent: depth)
        }

        func encode<Value: Encodable>(_ value: Value, depth: Int, key: String?, in id: Int) throws {
            try begin(depth: depth, key: key, in: id)
            // Type checks, not casts: this runs for every value of every record.
            if Value.self == RawRecordJSON.self {
                // Kept as read from state.json (checked JSON): written back as it is.
                writer.bytes.append(contentsOf: (value as! RawRecordJSON).bytes)
                return
            }
            if Value.self == RunRecord.self {
                _ = openContainer(object: true, for: depth)
                try RecordJSON.writeMembers(of: value as! RunRecord, to: self)
                close(deeperThan: depth)
                return
            }
            if Value.self == [String: String].self {
                let dictionary = value as! [String: String]
                let inner = openContainer(object: true, for: depth)
                for name in dictionary.keys.sorted() {
                    try string(dictionary[name]!, depth: depth + 1, key: name, in: inner)
                }
                close(deeperThan: depth)
                return
            }
            try value.encode(to: ValueEncoder(stream: self, depth: depth))
        }
    }

    /// The encoder of one value, begun at `depth` of the stream.
    struct ValueEncoder: Encoder {
        let stream: Stream
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let id = stream.openContainer(object: true, for: depth)
            return KeyedEncodingContainer(KeyedContainer<Key>(stream: stream, depth: depth + 1, id: id))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let id = stream.openContainer(object: false, for: depth)
            return UnkeyedContainer(stream: stream, depth: depth + 1, id: id)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(stream: stream, depth: depth)
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let stream: Stream
        let depth: Int
        let id: Int
        var codingPath: [any CodingKey] { [] }

        private func add(_ value: JSONValue, _ key: Key) throws {
            try stream.scalar(value, depth: depth, key: key.stringValue, in: id)
        }

        mutating func encodeNil(forKey key: Key) throws { try add(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try stream.bool(value, depth: depth, key: key.stringValue, in: id) }
        mutating func encode(_ value: String, forKey key: Key) throws { try stream.string(value, depth: depth, key: key.stringValue, in: id) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try stream.number(value, depth: depth, key: key.stringValue, in: id) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try stream.number(Double(value), depth: depth, key: key.stringValue, in: id) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try add(.number(Double(value)), key) }
        mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
            try stream.encode(value, depth: depth, key: key.stringValue, in: id)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            superEncoder(forKey: key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            superEncoder(forKey: key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        /// Codable gives this no way to throw: a misuse shows as a JSON parse error later.
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            try? stream.begin(depth: depth, key: key.stringValue, in: id)
            return ValueEncoder(stream: stream, depth: depth)
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let stream: Stream
        let depth: Int
        let id: Int
        var count = 0
        var codingPath: [any CodingKey] { [] }

        private mutating func add(_ value: JSONValue) throws {
            count += 1
            try stream.scalar(value, depth: depth, key: nil, in: id)
        }

        mutating func encodeNil() throws { try add(.null) }
        mutating func encode(_ value: Bool) throws {
            count += 1
            try stream.bool(value, depth: depth, key: nil, in: id)
        }
        mutating func encode(_ value: String) throws {
            count += 1
            try stream.string(value, depth: depth, key: nil, in: id)
        }
        mutating func encode(_ value: Double) throws { try add(.number(value)) }
        mutating func encode(_ value: Float) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: Int) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: Int8) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: Int16) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: Int32) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: Int64) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: UInt) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: UInt8) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: UInt16) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: UInt32) throws { try add(.number(Double(value))) }
        mutating func encode(_ value: UInt64) throws { try add(.number(Double(value))) }
        mutating func encode<Value: Encodable>(_ value: Value) throws {
            count += 1
            try stream.encode(value, depth: depth, key: nil, in: id)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            superEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            superEncoder().unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            count += 1
            try? stream.begin(depth: depth, key: nil, in: id)
            return ValueEncoder(stream: stream, depth: depth)
        }
    }

    /// A single value is written where its encoder's value was begun.
    struct SingleValueContainer: SingleValueEncodingContainer {
        let stream: Stream
        let depth: Int
        var codingPath: [any CodingKey] { [] }

        private func set(_ value: JSONValue) {
            stream.close(deeperThan: depth)
            stream.writer.write(value, indent: depth)
        }

        mutating func encodeNil() throws { set(.null) }
        mutating func encode(_ value: Bool) throws {
            stream.close(deeperThan: depth)
            stream.writer.writeBool(value)
        }
        mutating func encode(_ value: String) throws {
            stream.close(deeperThan: depth)
            stream.writer.writeString(value)
        }
        mutating func encode(_ value: Double) throws { set(.number(value)) }
        mutating func encode(_ value: Float) throws { set(.number(Double(value))) }
        mutating func encode(_ value: Int) throws { set(.number(Double(value))) }
        mutating func encode(_ value: Int8) throws { set(.number(Double(value))) }
        mutating func encode(_ value: Int16) throws { set(.number(Double(value))) }
        mutating func encode(_ value: Int32) throws { set(.number(Double(value))) }
        mutating func encode(_ value: Int64) throws { set(.number(Double(value))) }
        mutating func encode(_ value: UInt) throws { set(.number(Double(value))) }
        mutating func encode(_ value: UInt8) throws { set(.number(Double(value))) }
        mutating func encode(_ value: UInt16) throws { set(.number(Double(value))) }
        mutating func encode(_ value: UInt32) throws { set(.number(Double(value))) }
        mutating func encode(_ value: UInt64) throws { set(.number(Double(value))) }
        mutating func encode<Value: Encodable>(_ value: Value) throws {
            try value.encode(to: ValueEncoder(stream: stream, depth: depth))
        }
    }
}

/// Writing by hand, for documents built on the hot path without Codable's overhead (the HAR):
/// `begin` a container, add members, `end` it; keys come in the order written.
extension RecordJSON.Stream {
    /// Opens an object (or, with `array: true`, an array) as the next member of the innermost
    /// container, under `key` when that container is an object; nothing open means the top level.
    func begin(_ key: String? = nil, array: Bool = false) {
        let depth = self.depth
        try? begin(depth: depth, key: key, in: innermostID)
        _ = openContainer(object: !array, for: depth)
    }

    /// Closes the innermost container.
    func end() {
        close(deeperThan: depth - 1)
    }

    /// One member of the innermost container: `"key": value`, or just the value in an array.
    func member(_ key: String?, _ value: JSONValue) {
        try? scalar(value, depth: depth, key: key, in: innermostID)
    }

    func member(_ key: String, _ text: String?) {
        if let text { try? string(text, depth: depth, key: key, in: innermostID) }
    }

    func member(_ key: String, _ number: Int) { try? self.number(Double(number), depth: depth, key: key, in: innermostID) }
    func member(_ key: String, _ number: Double) { try? self.number(number, depth: depth, key: key, in: innermostID) }
}

