/// One request read by the status listener (`canary schedule --listen`).
public struct ServedRequest: Sendable, Equatable {
    /// As sent (case-sensitive, as RFC 9110 says): only GET and HEAD are served.
    public var method: String
    /// The path, without the query string.
    public var path: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Whether the connection stays open after the response.
    public var keepAlive: Bool
    /// The request announced a body (Content-Length above 0 or Transfer-Encoding).
    public var hasBody: Bool
}

/// An answer given without routing: the request could not be read, or is past a limit. The
/// connection is closed after it.
public struct ServedFailure: Sendable, Equatable, Error {
    public var status: Int
    public var reason: String
}

/// The result of reading the bytes received so far.
public enum ServedParse: Sendable, Equatable {
    /// More bytes are needed (and the limits are not reached yet).
    case incomplete
    /// A whole request head, and how many bytes it took.
    case request(ServedRequest, consumed: Int)
    case failure(ServedFailure)
}

/// Reads an HTTP/1.x request head from bytes a client sent, any bytes at all: the listener's
/// only parser of hostile input. Pure; never reads past `limits`, so a client cannot make it
/// buffer or scan more than that.
public enum ServedRequestParser {
    /// The request line (414 past it) and the whole head (431 past it), in bytes.
    public struct Limits: Sendable {
        public var requestLine: Int
        public var head: Int
        public var headers: Int
        public init(requestLine: Int = 8192, head: Int = 16384, headers: Int = 100) {
            self.requestLine = requestLine
            self.head = head
            self.headers = headers
        }
    }

    public static func parse(_ bytes: ArraySlice<UInt8>, limits: Limits = Limits()) -> ServedParse {
        var start = bytes.startIndex
        // Empty lines before a request are ignored (RFC 9112 2.2), a few of them.
        while start < bytes.endIndex, start - bytes.startIndex < 8, bytes[start] == 13 || bytes[start] == 10 { start += 1 }
        guard let lineEnd = lineEnd(bytes, from: start, limit: limits.requestLine) else {
            if let early = earlyProblem(bytes[start...]) { return .failure(early) }
            return bytes.endIndex - start > limits.requestLine ? .failure(ServedFailure(status: 414, reason: "URI Too Long")) : .incomplete
        }
        let line = bytes[start..<lineEnd.content]
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, let method = token(parts[0]), let version = version(parts[2]) else { return bad }
        guard version.major == 1 else { return .failure(ServedFailure(status: 505, reason: "HTTP Version Not Supported")) }
        guard let path = path(parts[1]) else { return bad }
        var index = lineEnd.next
        var connection = "", host = false, hasBody = false, count = 0
        while true {
            guard let end = self.lineEnd(bytes, from: index, limit: limits.head) else {
                return bytes.endIndex - bytes.startIndex > limits.head ? .failure(ServedFailure(status: 431, reason: "Request Header Fields Too Large")) : .incomplete
            }
            if end.next - bytes.startIndex > limits.head { return .failure(ServedFailure(status: 431, reason: "Request Header Fields Too Large")) }
            let field = bytes[index..<end.content]
            index = end.next
            if field.isEmpty { break }
            count += 1
            guard count <= limits.headers else { return .failure(ServedFailure(status: 431, reason: "Request Header Fields Too Large")) }
            // No space before the colon, no obsolete line folding (RFC 9112 5.1, 5.2).
            guard let colon = field.firstIndex(of: 58), let name = token(field[field.startIndex..<colon]) else { return bad }
            let value = String(decoding: trimmed(field[(colon + 1)...]), as: UTF8.self)
            guard value.utf8.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) || $0 >= 128 }) else { return bad }
            switch name.lowercased() {
            case "host": host = true
            case "connection": connection = value.lowercased()
            case "content-length": hasBody = hasBody || value != "0"
            case "transfer-encoding": hasBody = true
            default: break
            }
        }
        // HTTP/1.1 requires Host (RFC 9112 3.2).
        if version.minor >= 1 && !host { return bad }
        let tokens = connection.split(separator: ",").map { $0.trimmingSpaces }
        let keepAlive = version.minor >= 1 ? !tokens.contains("close") : tokens.contains("keep-alive")
        let request = ServedRequest(method: method, path: path, minorVersion: min(version.minor, 1), keepAlive: keepAlive, hasBody: hasBody)
        return .request(request, consumed: index - bytes.startIndex)
    }

    private static let bad = ServedParse.failure(ServedFailure(status: 400, reason: "Bad Request"))

    /// Where the line starting at `from` ends (CRLF, or a bare LF), looking at most `limit` bytes.
    private static func lineEnd(_ bytes: ArraySlice<UInt8>, from: Int, limit: Int) -> (content: Int, next: Int)? {
        var index = from
        let end = min(bytes.endIndex, from + limit + 2)
        while index < end {
            if bytes[index] == 10 {
                let content = index > from && bytes[index - 1] == 13 ? index - 1 : index
                return (content, index + 1)
            }
            index += 1
        }
        return nil
    }

    /// Garbage is refused as soon as it shows, without waiting for a line end: a method is a token
    /// followed by a space.
    private static func earlyProblem(_ bytes: ArraySlice<UInt8>) -> ServedFailure? {
        for (offset, byte) in bytes.enumerated() {
            if byte == 32 { return offset == 0 ? ServedFailure(status: 400, reason: "Bad Request") : nil }
            if !isTokenByte(byte) || offset >= 32 { return ServedFailure(status: 400, reason: "Bad Request") }
        }
        return nil
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static func token(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty, bytes.count <= 64, bytes.allSatisfy(isTokenByte) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func version(_ bytes: ArraySlice<UInt8>) -> (major: Int, minor: Int)? {
        let text = Array(bytes)
        guard text.count == 8, Array(text[0..<5]) == Array("HTTP/".utf8), text[6] == 46,
              (48...57).contains(text[5]), (48...57).contains(text[7]) else { return nil }
        return (Int(text[5] - 48), Int(text[7] - 48))
    }

    /// Origin form (`/path?query`) or absolute form (`http://host/path`); `*` and anything else are refused.
    private static func path(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        var target = String(decoding: bytes, as: UTF8.self)
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            let rest = target.drop { $0 != "/" }.dropFirst(2)
            target = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        guard target.hasPrefix("/") else { return nil }
        return String(target.prefix { $0 != "?" && $0 != "#" })
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 32 || first == 9 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice = slice.dropLast() }
        return slice
    }
}

private extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
