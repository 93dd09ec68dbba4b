/// JSON5 parsing (a superset of JSON) with exact error positions, and strict JSON output.
/// Our own parser because Foundation's JSON5 mode reports no line or column on Linux.
public enum JSON5 {
    /// Containers nested deeper than this are an error, never a stack overflow.
    public static let maximumDepth = 256

    /// A syntax error: where it is and what was expected there.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based; columns count Unicode scalars.
        public var line: Int
        public var column: Int
        public var byteOffset: Int
        /// What was expected and what was found, e.g. "expected ',' or '}' after object member, found ']'".
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    /// Parses a whole document (JSON or JSON5) into a plain value; fast enough for response
    /// bodies of several MB.
    public static func parseJSON(_ bytes: some Collection<UInt8>) throws(SyntaxError) -> JSONValue {
        try withBuffer(bytes) { buffer throws(SyntaxError) in
            var parser = JSON5Parser(bytes: buffer, builder: PlainTreeBuilder())
            do throws(JSON5ParseFailure) {
                return try parser.parseDocument()
            } catch {
                try fail(error) { offset in LineTable.position(ofByte: offset, in: buffer) }
            }
        }
    }

    /// Parses a canary file, keeping the place of every value and key.
    public static func parseLocated(_ bytes: some Collection<UInt8>, file: String) throws(SyntaxError) -> LocatedJSON {
        let lines = LineTable(bytes)
        return try withBuffer(bytes) { buffer throws(SyntaxError) in
            var parser = JSON5Parser(bytes: buffer, builder: LocatedTreeBuilder(file: file, lines: lines))
            do throws(JSON5ParseFailure) {
                return try parser.parseDocument()
            } catch {
                try fail(error) { offset in lines.position(ofByte: offset) }
            }
        }
    }

    /// Strict JSON text (no comments, NaN and infinities written as null), for request bodies and records.
    public static func serialize(_ value: JSONValue, pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty)
        writer.write(value, indent: 0)
        return writer.output
    }

    private static func withBuffer<Result>(
        _ bytes: some Collection<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> Result
    ) throws(SyntaxError) -> Result {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Swift.Result { () throws(SyntaxError) in try body(buffer) }
        }
        if let contiguous { return try contiguous.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in
            Swift.Result { () throws(SyntaxError) in try body(buffer) }
        }.get()
    }

    private static func fail(
        _ failure: JSON5ParseFailure, position: (Int) -> (line: Int, column: Int)
    ) throws(SyntaxError) -> Never {
        var message = failure.message
        if let opened = failure.openedAt {
            let place = position(opened.offset)
            message += "; the \(opened.what) opened at line \(place.line), column \(place.column) is never closed"
        }
        let place = position(failure.offset)
        throw SyntaxError(line: place.line, column: place.column, byteOffset: failure.offset, message: message)
    }
}
