/// Byte offsets → 1-based line and column (columns count Unicode scalars, as editors do).
struct LineTable: Sendable {
    /// The bytes of the document; kept to count scalars within a line.
    private let bytes: [UInt8]
    /// Offset of the first byte of each line.
    private let lineStarts: [Int]

    init(_ bytes: some Collection<UInt8>) {
        self.bytes = Array(bytes)
        var starts = [0]
        for (offset, byte) in self.bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    func position(ofByte offset: Int) -> (line: Int, column: Int) {
        // Binary search for the last line starting at or before `offset`.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let start = lineStarts[low]
        let end = min(offset, bytes.count)
        let column = bytes[start..<max(start, end)].reduce(1) { count, byte in
            UTF8.isContinuation(byte) ? count : count + 1
        }
        return (low + 1, column)
    }

    /// One-off lookup without building a table (for the single error of a response body).
    static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if !UTF8.isContinuation(byte) {
                column += 1
            }
        }
        return (line, column)
    }
}
