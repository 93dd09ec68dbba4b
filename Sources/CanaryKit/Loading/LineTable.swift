/// Byte offsets → 1-based line and column (columns count Unicode scalars, as editors do).
struct LineTable: Sendable {
    /// The bytes of the document; kept to count scalars within a line.
    private let bytes: [UInt8]
    /// Offset of the first byte of each line.
    private let lineStarts: [Int]
    /// UTF-8 continuation bytes before each 64-byte block, so a column costs O(1) even on one
    /// huge minified line (counting from the line start would make located parsing quadratic).
    private let continuationsBeforeBlock: [Int]
    private static let blockSize = 64

    init(_ bytes: some Collection<UInt8>) {
        self.bytes = Array(bytes)
        var starts = [0]
        var blocks: [Int] = []
        blocks.reserveCapacity(self.bytes.count / Self.blockSize + 1)
        var continuations = 0
        for (offset, byte) in self.bytes.enumerated() {
            if offset % Self.blockSize == 0 { blocks.append(continuations) }
            if byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
            if UTF8.isContinuation(byte) { continuations += 1 }
        }
        blocks.append(continuations)
        lineStarts = starts
        continuationsBeforeBlock = blocks
    }

    /// Continuation bytes in `bytes[0..<offset]`.
    private func continuations(before offset: Int) -> Int {
        let block = offset / Self.blockSize
        let blockStart = block * Self.blockSize
        return continuationsBeforeBlock[block] + bytes[blockStart..<offset].reduce(0) { count, byte in
            UTF8.isContinuation(byte) ? count + 1 : count
        }
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
        let end = max(start, min(offset, bytes.count))
        return (low + 1, end - start - (continuations(before: end) - continuations(before: start)) + 1)
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
