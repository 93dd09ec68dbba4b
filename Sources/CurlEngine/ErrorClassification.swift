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
        // Send/receive failures are a peer dropping the connection (reset, broken pipe).
        return .reset
    case 52, 8:
        // 52: "Empty reply from server"; 8: weird server reply (bad status line, HTTP/0.9).
        return .malformedResponse
    case 47:
        return .tooManyRedirects
    case 1, 3:
        // 1: unsupported protocol (only http and https are enabled); 3: malformed URL.
        return .invalidRequest
    default:
        return .other
    }
}
