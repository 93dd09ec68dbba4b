/// An optional member kept on the heap when set, and as one nil pointer when not: for the large,
/// mostly absent parts of a `StepRecord` (a request or response summary, a probe, a browser page,
/// a screenshot). Inline they made a step 800 bytes, most of them nil; every record held in
/// memory (the last run in each canary's state, runs waiting for state.json to load) carried
/// them, 8 MB at 10,000 canaries. Reading and writing through the property are unchanged; a
/// write copies the value into a new box, so copies of a record never share a change.
///
/// Codable as the plain optional: a nil member is left out, and a missing key decodes as nil
/// (see the container overloads below, which synthesized conformances pick).
@propertyWrapper
public struct OptionalBox<Wrapped: Sendable>: Sendable {
    private final class Box: Sendable {
        let value: Wrapped
        init(_ value: Wrapped) { self.value = value }
    }

    private var box: Box?

    public init(wrappedValue: Wrapped?) {
        box = wrappedValue.map(Box.init)
    }

    public var wrappedValue: Wrapped? {
        get { box?.value }
        set { box = newValue.map(Box.init) }
    }
}

extension OptionalBox: Encodable where Wrapped: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension OptionalBox: Decodable where Wrapped: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(wrappedValue: container.decodeNil() ? nil : try container.decode(Wrapped.self))
    }
}

extension KeyedDecodingContainer {
    /// A missing key or null is nil, as for a plain optional member.
    public func decode<Wrapped: Decodable>(_ type: OptionalBox<Wrapped>.Type, forKey key: Key) throws -> OptionalBox<Wrapped> {
        OptionalBox(wrappedValue: try decodeIfPresent(Wrapped.self, forKey: key))
    }
}

extension KeyedEncodingContainer {
    /// nil is left out, as for a plain optional member.
    public mutating func encode<Wrapped: Encodable>(_ value: OptionalBox<Wrapped>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}
