import CurlEngine
import Foundation

/// A socket address a probe connects to, resolved with the C library's `getaddrinfo` (the
/// system's resolver, as curl uses for HTTP steps).
struct ProbeAddress: Sendable {
    var storage: sockaddr_storage
    var length: socklen_t
    var family: Int32
    /// `127.0.0.1:2525`, `[::1]:53`.
    var text: String

    /// Every address of `host` (a name or an IP literal) for `port`, in the resolver's order.
    static func resolve(_ host: String, port: Int, type: Int32) throws(TransferError) -> [ProbeAddress] {
        var hints = addrinfo()
        hints.ai_socktype = type
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let status = getaddrinfo(bare, String(port), &hints, &list)
        guard status == 0, let list else {
            let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
            throw TransferError(kind: .dns, code: 0, message: "could not resolve host '\(host)': \(reason)")
        }
        defer { freeaddrinfo(list) }
        var addresses: [ProbeAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = list
        while let current = node {
            if let address = current.pointee.ai_addr, let made = ProbeAddress(address, length: current.pointee.ai_addrlen) {
                addresses.append(made)
            }
            node = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw TransferError(kind: .dns, code: 0, message: "could not resolve host '\(host)': no address") }
        return addresses
    }

    init?(_ address: UnsafePointer<sockaddr>, length: socklen_t) {
        guard Int(length) <= MemoryLayout<sockaddr_storage>.size else { return nil }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length))) }
        self.storage = storage
        self.length = length
        family = Int32(address.pointee.sa_family)
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        guard getnameinfo(address, length, &host, socklen_t(host.count), &service, socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV) == 0 else { return nil }
        func text(_ chars: [CChar]) -> String { String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        let hostText = text(host)
        self.text = (family == AF_INET6 ? "[\(hostText)]" : hostText) + ":" + text(service)
    }
}
