/// What `summaries.bin` is written with: LEB128 varints (signed ones zigzagged), fixed 64-bit
/// little-endian words, length-prefixed strings, and an FNV-1a checksum.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A count, offset or index: never negative.
    mutating func count(_ value: Int) {
        varint(UInt64(clamping: value))
    }

    mutating func signed(_ value: Int) {
        varint(Self.zigzag(value))
    }

    mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        optionalBytes(Array(value.utf8))
    }

    mutating func optionalString(_ value: String?) {
        optionalBytes(value.map { Array($0.utf8) })
    }

    /// The length plus one (0 for nil), then the bytes.
    mutating func optionalBytes(_ value: [UInt8]?) {
        count(value.map { $0.count + 1 } ?? 0)
        if let value { bytes.append(contentsOf: value) }
    }

    static func zigzag(_ value: Int) -> UInt64 {
        UInt64(bitPattern: Int64(value &<< 1) ^ Int64(value >> 63))
    }

    /// FNV-1a, 64 bits.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        }
    }
}

/// Reads what `ByteWriter` wrote; nil (never a trap) for anything short, too long or out of range.
struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private var offset: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    var isAtEnd: Bool { offset == bytes.endIndex }

    /// Bytes not read yet.
    var remaining: Int { bytes.endIndex - offset }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= bytes.endIndex - offset else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard offset < bytes.endIndex else { return nil }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte may hold only the top bit.
            guard shift < 63 || byte <= 1 else { return nil }
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        return nil
    }

    mutating func count() -> Int? {
        varint().flatMap { $0 <= UInt64(Int.max) ? Int($0) : nil }
    }

    mutating func signed() -> Int? {
        varint().map(Self.unzigzag)
    }

    mutating func fixed64() -> UInt64? {
        guard let slice = take(8) else { return nil }
        return slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func string() -> String? {
        guard let bytes = optionalBytes(), let bytes else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// nil: short or out of range; .some(nil): a nil was written.
    mutating func optionalString() -> String?? {
        guard let bytes = optionalBytes() else { return nil }
        return .some(bytes.map { String(decoding: $0, as: UTF8.self) })
    }

    mutating func optionalBytes() -> [UInt8]?? {
        guard let count = count() else { return nil }
        if count == 0 { return .some(nil) }
        guard let slice = take(count - 1) else { return nil }
        return .some(Array(slice))
    }

    static func unzigzag(_ value: UInt64) -> Int {
        Int(truncatingIfNeeded: Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))))
    }
}
