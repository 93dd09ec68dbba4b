import CCurl
import CCurlShim
import Foundation  // as well: curl.h is textually in both modules; either copy may be the one Swift finds

// libcurl's C callbacks. Each receives the EasyTransfer as an unretained context pointer;
// the loop guarantees it outlives the handle's callbacks (see EventLoop.complete).

private func transfer(from context: UnsafeMutableRawPointer?) -> EasyTransfer? {
    guard let context else { return nil }
    return Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue()
}

private func bytes(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> UnsafeBufferPointer<UInt8> {
    guard let data else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: count)
}

/// CURLOPT_WRITEFUNCTION: appends to the body (amortised growth, one copy per chunk).
/// Returning less than given aborts the transfer with CURLE_WRITE_ERROR.
func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let transfer = transfer(from: context) else { return 0 }
    let length = size * count
    if transfer.body.count + length > transfer.maxBodyBytes {
        transfer.exceededMaxBody = true
        return 0
    }
    transfer.body.append(contentsOf: bytes(data, length))
    return length
}

/// CURLOPT_HEADERFUNCTION: one complete header line per call, for every response including
/// 1xx and redirect hops. A status line starts a new response, so only the final one remains.
func receiveHeaderLine(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let transfer = transfer(from: context) else { return 0 }
    let length = size * count
    var line = bytes(data, length)[...]
    while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
        line = line.dropLast()
    }
    transfer.responseStartedSinceRequest = true
    guard let first = line.first else {  // blank line ending a header block
        return transfer.mayFollowRedirect() ? length : 0
    }
    if line.starts(with: "HTTP/".utf8) {
        transfer.statusLine = String(decoding: line, as: UTF8.self)
        transfer.responseHeaders.removeAll(keepingCapacity: true)
    } else if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
        // obs-fold continuation of the previous header's value
        if !transfer.responseHeaders.isEmpty {
            let more = String(decoding: line, as: UTF8.self).trimmingHTTPWhitespace()
            transfer.responseHeaders[transfer.responseHeaders.count - 1].value += " " + more
        }
    } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
        let name = String(decoding: line[..<colon], as: UTF8.self).trimmingHTTPWhitespace()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingHTTPWhitespace()
        transfer.responseHeaders.append(HTTPHeader(name: name, value: value))
    }
    return length
}

/// CURLOPT_DEBUGFUNCTION: keeps the request headers exactly as sent on the last hop, and what
/// libcurl's informational lines say about the TLS handshake.
func receiveDebugData(
    _ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?,
    _ size: Int, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    guard let transfer = transfer(from: context) else { return 0 }
    if type == CURLINFO_TEXT {
        // Short lines only: they come from libcurl, but a long one is nothing we read.
        // Only lines starting "SSL" or "TLS" can be about the handshake (`HandshakeNotes`): the
        // others ("Trying …", "Connected to …") are not made into Strings.
        if size < 512, size > 3, let first = data.map({ UInt8(bitPattern: $0.pointee) }), first == UInt8(ascii: "S") || first == UInt8(ascii: "T") {
            transfer.handshake.read(String(decoding: bytes(data, size), as: UTF8.self))
        }
        return 0
    }
    guard type == CURLINFO_HEADER_OUT else { return 0 }
    if transfer.responseStartedSinceRequest {
        transfer.requestHeaderBytes.removeAll(keepingCapacity: true)
        transfer.responseStartedSinceRequest = false
    }
    transfer.requestHeaderBytes.append(contentsOf: bytes(data, size))
    return 0
}

extension EasyTransfer {
    /// At the end of a redirect's headers, before libcurl follows it: false (which stops the
    /// transfer) when the request's policy refuses where it leads.
    func mayFollowRedirect() -> Bool {
        guard followsRedirects, let location = responseHeaders.value(named: "Location") else { return true }
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        guard (300...399).contains(status) else { return true }
        let current = handle.string(CURLINFO_EFFECTIVE_URL)
        guard let target = URL(string: location, relativeTo: URL(string: current))?.absoluteString else { return true }
        refusedRedirect = redirectPolicy.refusal(status: status, from: current, to: target)
        guard refusedRedirect == nil else { return false }
        let reason = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).dropFirst(2).first.map(String.init) ?? ""
        hops.append(RedirectHop(
            url: current, statusCode: status, reason: reason, headers: responseHeaders,
            requestHeaderBlock: String(decoding: requestHeaderBytes, as: UTF8.self)))
        return true
    }
}

extension String {
    func trimmingHTTPWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isWhitespace($0) }),
              let end = lastIndex(where: { !isWhitespace($0) }) else { return "" }
        return String(self[start...end])
    }
}

/// CURLOPT_OPENSOCKETFUNCTION: the socket() libcurl would make, remembering why it failed. Out of
/// descriptors, libcurl says "Couldn't connect to server" with no errno, as if the target refused.
func openSocket(_ context: UnsafeMutableRawPointer?, _ purpose: curlsocktype, _ address: UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t {
    guard let address else { return -1 }
    let descriptor = socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    if descriptor < 0, let transfer = transfer(from: context) { transfer.socketErrno = errno }
    return descriptor
}
