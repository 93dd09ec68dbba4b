import CCurl
import CCurlShim

/// One libcurl easy handle and its error buffer. Loop thread only.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER target; must outlive every transfer run on this handle.
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// Its cookie engine was turned on: curl_easy_reset keeps the jar and the engine, so such a
    /// handle is destroyed after its transfer instead of serving another canary's.
    var usedCookies = false

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    /// libcurl's message for the last failure: the error buffer when filled, else the generic text.
    func errorMessage(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        ccurl_easy_setopt_long(raw, option, value)
    }

    /// libcurl copies string options, so the Swift string need not outlive the call.
    func set(_ option: CURLoption, _ value: String) -> CURLcode {
        value.withCString { ccurl_easy_setopt_string(raw, option, $0) }
    }

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        return ccurl_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    /// A `*_TIME_T` info in milliseconds (libcurl reports microseconds).
    func milliseconds(_ info: CURLINFO) -> Double {
        var value = 0
        return ccurl_easy_getinfo_off_t(raw, info, &value) == CURLE_OK ? Double(value) / 1000 : 0
    }

    func string(_ info: CURLINFO) -> String {
        var value: UnsafeMutablePointer<CChar>?
        guard ccurl_easy_getinfo_string(raw, info, &value) == CURLE_OK, let value else { return "" }
        return String(cString: value)
    }

    /// CURLINFO_COOKIELIST: the jar's cookies as Netscape cookie-file lines.
    func cookieLines() -> [String] {
        var list: UnsafeMutablePointer<curl_slist>?
        guard ccurl_easy_getinfo_slist(raw, CURLINFO_COOKIELIST, &list) == CURLE_OK else { return [] }
        defer { curl_slist_free_all(list) }
        var lines: [String] = []
        var entry = list
        while let node = entry {
            if let data = node.pointee.data { lines.append(String(cString: data)) }
            entry = node.pointee.next
        }
        return lines
    }

    /// Forgets every option so the handle can serve the next transfer. Detaches the share
    /// first: curl_easy_reset keeps it, and a share cannot be freed while a handle holds it.
    func reset() {
        _ = ccurl_easy_setopt_share(raw, nil)
        curl_easy_reset(raw)
        errorBuffer[0] = 0
    }

    func destroy() {
        _ = ccurl_easy_setopt_share(raw, nil)
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }
}

@available(*, unavailable)
extension EasyHandle: Sendable {}

/// Recycled easy handles: creating one costs allocations and loses its TLS session cache.
/// Bounded so a burst of thousands of transfers does not pin their memory forever.
final class EasyHandlePool {
    private var idle: [EasyHandle] = []
    private let maxIdle = 1024

    func take() -> EasyHandle? {
        idle.popLast() ?? EasyHandle()
    }

    func recycle(_ handle: EasyHandle) {
        if idle.count < maxIdle && !handle.usedCookies {
            handle.reset()
            idle.append(handle)
        } else {
            handle.destroy()
        }
    }

    func destroyAll() {
        for handle in idle { handle.destroy() }
        idle.removeAll()
    }
}

@available(*, unavailable)
extension EasyHandlePool: Sendable {}
