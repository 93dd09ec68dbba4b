import CurlEngine
import Foundation
import Synchronization

/// A non-blocking socket for the tcp and dns probes, used from one probe thread (see
/// `ProbeThread`): every wait polls in short slices until the probe's deadline, so a timeout
/// or a cancelled canary ends it within 50 ms. Errors are `TransferError`s, as the engine's.
final class ProbeSocket {
    let fd: Int32
    let peer: String
    private let deadline: ContinuousClock.Instant
    private let cancel: ProbeCancel
    private let timeoutText: String

    /// A socket of `address`'s family and `type` (SOCK_STREAM or SOCK_DGRAM), non-blocking.
    init(for address: ProbeAddress, type: Int32, deadline: ContinuousClock.Instant, timeout: Duration, cancel: ProbeCancel) throws(TransferError) {
        let made = socket(Int32(address.family), type | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard made >= 0 else {
            let code = errno
            let message = "could not open a socket: \(String(cString: strerror(code)))"
            throw TransferError(kind: [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(code) ? .localResource : .other, code: 0, message: message)
        }
        fd = made
        peer = address.text
        self.deadline = deadline
        self.cancel = cancel
        timeoutText = timeout.humanText
    }

    deinit { close(fd) }

    func connect(to address: ProbeAddress) throws(TransferError) {
        var storage = address.storage
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
        }
        if result != 0 {
            guard errno == EINPROGRESS else { throw connectError(errno) }
            try wait(for: Int16(POLLOUT), doing: "connecting to \(peer)")
            var code: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size)
            if code != 0 { throw connectError(code) }
        }
    }

    private func connectError(_ code: Int32) -> TransferError {
        let text = String(cString: strerror(code))
        switch code {
        case ECONNREFUSED: return TransferError(kind: .connectionRefused, code: 0, message: "connection to \(peer) refused")
        case ETIMEDOUT: return TransferError(kind: .timeout, code: 0, message: "connecting to \(peer) timed out")
        case EADDRNOTAVAIL, EMFILE, ENFILE, ENOBUFS: return TransferError(kind: .localResource, code: 0, message: "could not connect to \(peer): \(text) (a resource of ours)")
        default: return TransferError(kind: .connectionRefused, code: 0, message: "could not connect to \(peer): \(text)")
        }
    }

    /// Sends all of `bytes` (a connected socket).
    func send(_ bytes: [UInt8]) throws(TransferError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count >= 0 {
                sent += count
            } else if errno == EAGAIN || errno == EINTR {
                try wait(for: Int16(POLLOUT), doing: "sending to \(peer)")
            } else if errno == ECONNREFUSED {
                throw TransferError(kind: .connectionRefused, code: 0, message: "\(peer) refused the datagram (nothing listens there)")
            } else {
                throw TransferError(kind: .reset, code: 0, message: "sending to \(peer) failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Up to `limit` bytes once some arrive; empty when the peer closed the connection.
    func receive(upTo limit: Int, doing what: String) throws(TransferError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(1, limit))
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return Array(buffer[..<count]) }
            switch errno {
            case EAGAIN, EINTR: try wait(for: Int16(POLLIN), doing: what)
            case ECONNREFUSED: throw TransferError(kind: .connectionRefused, code: 0, message: "\(peer) refused the datagram (nothing listens there)")
            default: throw TransferError(kind: .reset, code: 0, message: "\(what) failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Waits until the socket is ready for `events`, the deadline passes (timeout) or the probe
    /// is cancelled.
    private func wait(for events: Int16, doing what: String) throws(TransferError) {
        while true {
            if cancel.isCancelled { throw TransferError(kind: .cancelled, code: 0, message: "cancelled while \(what)") }
            let left = deadline - .now
            guard left > .zero else { throw TransferError(kind: .timeout, code: 0, message: "timed out after \(timeoutText) while \(what)") }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(50, max(1, left.milliseconds.rounded(.up)))))
            if ready > 0 { return }
        }
    }
}

/// Set from another thread when the canary's task is cancelled (the whole-run timeout, SIGTERM).
final class ProbeCancel: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Blocking probe work on a thread of its own, so a slow server never holds a thread of the
/// cooperative pool; task cancellation reaches the work through `ProbeCancel`.
enum ProbeThread {
    static func run<T: Sendable>(_ work: @escaping @Sendable (ProbeCancel) -> T) async -> T {
        let cancel = ProbeCancel()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                let thread = Thread { continuation.resume(returning: work(cancel)) }
                thread.stackSize = 512 << 10
                thread.start()
            }
        } onCancel: {
            cancel.cancel()
        }
    }
}
