import CCurl
import CCurlShim
import Foundation
import Locking
import Synchronization

/// Performs HTTP transfers over one libcurl multi handle driven by one dedicated thread.
/// Long-lived: create one per process and call `shutdown()` explicitly before exit.
public final class CurlEngine: Sendable {
    /// Everything tasks hand to the loop thread; the only state shared between threads.
    let inbox = Locked(Inbox())
    /// Owned by the loop thread; other threads only call `curl_multi_wakeup` on it, which
    /// libcurl documents as thread-safe, and only under `inbox`'s lock while not shut down.
    nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    private let nextTransferID = Atomic<UInt64>(1)
    private let nextSessionID = Atomic<UInt64>(1)
    /// Signalled once by the loop thread after it has freed every curl handle.
    private let loopFinished = DispatchSemaphore(value: 0)

    /// Initialises libcurl for the process (once), ignores SIGPIPE and starts the loop thread.
    public init() throws(TransferError) {
        try ProcessSetup.ensureDone()
        guard let multi = curl_multi_init() else {
            throw TransferError(kind: .other, code: 0, message: "curl_multi_init failed")
        }
        self.multi = multi
        let thread = Thread { [self] in
            EventLoop(engine: self).run()
            loopFinished.signal()
        }
        thread.name = "curl-engine"
        thread.start()
    }

    /// A connection and DNS scope: transfers in one session may reuse each other's
    /// connections; transfers in different sessions never do. Close it with `close(_:)`.
    public func makeSession() -> HTTPSession {
        let session = HTTPSession(id: nextSessionID.wrappingAdd(1, ordering: .relaxed).oldValue)
        // No wake-up needed: the loop only needs to know the session before its first transfer,
        // and that transfer's submission comes later in the same queue and wakes the loop.
        inbox.withLock { inbox in
            if !inbox.isShutDown { inbox.commands.append(.open(session: session.id)) }
        }
        return session
    }

    /// Performs one transfer. Cancelling the calling task aborts it with `.cancelled`.
    public func perform(_ request: HTTPRequest, in session: HTTPSession) async throws(TransferError) -> HTTPResponse {
        let id = nextTransferID.wrappingAdd(1, ordering: .relaxed).oldValue
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: TransferContinuation) in
                submit(Submission(id: id, session: session.id, request: request, continuation: continuation))
            }
        } onCancel: {
            cancel(id)
        }
        if Task.isCancelled {
            // A cancel that raced with completion may have left a marker behind.
            inbox.withLock { _ = $0.cancelledEarly.remove(id) }
        }
        return try result.get()
    }

    /// Frees the session's connections and DNS cache once none of its transfers is in flight.
    public func close(_ session: HTTPSession) {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return }
            inbox.commands.append(.close(session: session.id))
            wakeLoop(&inbox)
        }
    }

    /// Fails in-flight transfers with `.cancelled`, stops the loop thread and frees every curl
    /// handle. Blocks until done; safe to call more than once and from several threads.
    public func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return }
            inbox.isShutDown = true
            curl_multi_wakeup(multi)
        }
        loopFinished.wait()
        loopFinished.signal()  // let any other caller of shutdown() through too
    }

    private func submit(_ submission: Submission) {
        let refusal: TransferError? = inbox.withLock { inbox in
            if inbox.isShutDown {
                return TransferError(kind: .cancelled, code: 0, message: "the HTTP engine has been shut down")
            }
            if inbox.cancelledEarly.remove(submission.id) != nil {
                return TransferError(kind: .cancelled, code: 0, message: "cancelled before it started")
            }
            inbox.live.insert(submission.id)
            inbox.commands.append(.perform(submission))
            wakeLoop(&inbox)
            return nil
        }
        if let refusal { submission.continuation.resume(returning: .failure(refusal)) }
    }

    private func cancel(_ id: UInt64) {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return }
            if inbox.live.contains(id) {
                inbox.commands.append(.cancel(transfer: id))
                wakeLoop(&inbox)
            } else {
                // Not submitted yet: `submit` will see the marker and refuse.
                inbox.cancelledEarly.insert(id)
            }
        }
    }

    /// One wake-up per loop iteration is enough: the loop drains the whole inbox at once.
    private func wakeLoop(_ inbox: inout Inbox) {
        if !inbox.wakeupPending {
            inbox.wakeupPending = true
            curl_multi_wakeup(multi)
        }
    }
}

/// Identifies a connection and DNS scope made by `CurlEngine.makeSession()`.
public struct HTTPSession: Sendable, Hashable {
    let id: UInt64
}

typealias TransferContinuation = CheckedContinuation<Result<HTTPResponse, TransferError>, Never>

/// A request handed to the loop thread.
struct Submission: Sendable {
    let id: UInt64
    let session: UInt64
    let request: HTTPRequest
    let continuation: TransferContinuation
}

/// Work for the loop thread, in the order the calls were made (a close after a perform,
/// a cancel after its submission).
enum Command: Sendable {
    case open(session: UInt64)
    case perform(Submission)
    case cancel(transfer: UInt64)
    case close(session: UInt64)
}

/// Work queued for the loop thread, guarded by `CurlEngine.inbox`.
struct Inbox: Sendable {
    var commands: [Command] = []
    /// Submitted and not yet known to be finished: a cancel must go through the loop.
    var live: Set<UInt64> = []
    /// Cancelled before submission: the submission must be refused.
    var cancelledEarly: Set<UInt64> = []
    var wakeupPending = false
    var isShutDown = false
}

/// Process-wide libcurl setup, done once before the first engine starts.
enum ProcessSetup {
    private static let globalInitCode: UInt32 = {
        disableOpenSSLAtExit()
        // With CURLOPT_NOSIGNAL libcurl no longer ignores SIGPIPE itself; a peer closing a
        // socket must not kill the process.
        signal(SIGPIPE, SIG_IGN)
        raiseOpenFileLimit()
        return curl_global_init(Int(CURL_GLOBAL_ALL)).rawValue
    }()

    static func ensureDone() throws(TransferError) {
        let code = globalInitCode
        if code != CURLE_OK.rawValue {
            throw TransferError(kind: .other, code: Int(code), message: "curl_global_init failed with code \(code)")
        }
    }

    /// Every connection is a file descriptor; thousands of transfers need more than the
    /// usual soft limit of 1024.
    private static func raiseOpenFileLimit() {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }

    /// OpenSSL's own atexit cleanup can free state while a curl thread still uses it
    /// (swift-corelibs-foundation #5469); opting out before curl_global_init avoids that.
    private static func disableOpenSSLAtExit() {
        typealias InitCrypto = @convention(c) (UInt64, UnsafeRawPointer?) -> Int32
        guard let symbol = dlsym(nil, "OPENSSL_init_crypto") else { return }
        let initCrypto = unsafeBitCast(symbol, to: InitCrypto.self)
        let noAtExit: UInt64 = 0x0008_0000  // OPENSSL_INIT_NO_ATEXIT
        _ = initCrypto(noAtExit, nil)
    }
}
