import Foundation

/// A response of the status listener: status, type and body; HEAD gets the head only.
public struct ServedResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var extraHeaders: [(String, String)] = []

    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8], extraHeaders: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.extraHeaders = extraHeaders
    }

    public init(_ failure: ServedFailure) {
        self.init(status: failure.status, body: Array("\(failure.reason)\n".utf8))
    }

    /// The bytes on the wire: `head` only for HEAD; `close` says Connection: close.
    public func bytes(head: Bool, close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        text += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        text += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
        for (name, value) in extraHeaders { text += "\(name): \(value)\r\n" }
        if close { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8) + (head ? [] : body)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 414: return "URI Too Long"
        case 431: return "Request Header Fields Too Large"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Error"
        }
    }
}

/// Which body answers which path. Pure: the snapshot in, a response out.
public enum StatusRoutes {
    public static func respond(to request: ServedRequest, snapshot: () -> StatusSnapshot, render: (String, StatusSnapshot) -> [UInt8]) -> ServedResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return ServedResponse(status: 405, body: Array("only GET and HEAD\n".utf8), extraHeaders: [("Allow", "GET, HEAD")])
        }
        switch request.path {
        case "/-/healthy":
            return ServedResponse(status: 200, body: Array("canary is healthy.\n".utf8))
        case "/-/ready":
            let ready = snapshot().ready
            return ServedResponse(status: ready ? 200 : 503, body: Array((ready ? "canary is ready.\n" : "canary is not ready: canaries are still being scheduled.\n").utf8))
        case "/metrics":
            return ServedResponse(status: 200, contentType: StatusRendering.metricsType, body: render("/metrics", snapshot()))
        case "/api/canaries":
            return ServedResponse(status: 200, contentType: "application/json", body: render("/api/canaries", snapshot()))
        case "/":
            return ServedResponse(status: 200, contentType: "text/html; charset=utf-8", body: render("/", snapshot()),
                                extraHeaders: [("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")])
        default:
            return ServedResponse(status: 404, body: Array("not found; try /, /metrics, /api/canaries, /-/healthy or /-/ready\n".utf8))
        }
    }
}
