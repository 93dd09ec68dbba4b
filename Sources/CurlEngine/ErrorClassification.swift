/// Maps a libcurl CURLcode (and its message, where the code is ambiguous) to a kind a
/// canary author can act on. Numbers rather than CURLE_ names: some (51) no longer exist.
func classify(code: Int, message: String) -> TransferError.Kind {
    let text = message.lowercased()
    switch code {
    case 28:
        return .timeout
    case 7:
        // A connect that gave up on its own (SYN never answered) is a timeout, not a refusal.
        return text.contains("timed out") ? .timeout : .connectionRefused
    case 6:
        return .dns
    case 35, 53, 54, 58, 59, 64, 66, 80, 83, 90, 91:
        return .tls
    case 51, 60:
        return .certificate
    case 55, 56:
        // Send/receive failures are a peer dropping the connection (reset, broken pipe), except
        // libcurl's cap on the response header block (300 kB), which it also reports as 56.
        return text.contains("too large response headers") ? .malformedResponse : .reset
    case 52, 8:
        // 52: "Empty reply from server"; 8: weird server reply (bad status line).
        return .malformedResponse
    case 47:
        return .tooManyRedirects
    case 1:
        // Only http and https are enabled, so the request is at fault, unless libcurl saw an
        // answer without a status line: HTTP/0.9 to libcurl, bytes that are not HTTP to anyone.
        return text.contains("http/0.9") ? .malformedResponse : .invalidRequest
    case 3:
        // A malformed URL.
        return .invalidRequest
    default:
        return .other
    }
}

/// libcurl's message, reworded where it names libcurl's view rather than what the server did.
func explain(code: Int, message: String) -> String {
    if code == 1 && message.lowercased().contains("http/0.9") {
        return "the response is not HTTP: it does not start with a status line (libcurl: \(message))"
    }
    return message
}
