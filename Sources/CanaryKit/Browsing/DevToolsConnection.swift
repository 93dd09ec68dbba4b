import Foundation
import Locking

/// The Chrome DevTools Protocol over `--remote-debugging-pipe`: NUL-terminated JSON messages,
/// commands written to the browser's descriptor 3, replies and events read from its 4. Commands
/// carry ids and are answered by id; events are handed to the listener of their session
/// (`Target.attachToTarget` with `flatten`, so every page speaks on this one pipe).
///
/// Threading: one dedicated thread blocks in `read` and resolves replies and calls listeners
/// (which must be quick and must not block); writes happen on the caller's thread under the
/// lock, so messages never interleave.
final class DevToolsConnection: Sendable {
    typealias Listener = @Sendable (_ method: String, _ params: JSONValue) -> Void

    private let writeFD: Int32
    private let state: Locked<State>

    private struct State {
        var nextId = 1
        var pending: [Int: CheckedContinuation<Result<JSONValue, BrowserError>, Never>] = [:]
        /// Each pending command's deadline, cancelled when its reply comes.
        var timers: [Int: Task<Void, Never>] = [:]
        /// By session id; "" is the browser's own session.
        var listeners: [String: Listener] = [:]
        /// Why the connection is gone, once it is.
        var closed: String?
    }

    /// Takes ownership of both descriptors: `writeFD` reaches the browser's 3, `readFD` its 4.
    init(writeFD: Int32, readFD: Int32) {
        self.writeFD = writeFD
        state = Locked(State())
        let thread = Thread { [self] in readLoop(readFD) }
        thread.name = "canary-devtools"
        thread.start()
    }

    var isClosed: Bool { state.withLock { $0.closed != nil } }

    /// Sends `method` and waits for its reply, at most `timeout`; a cancelled task stops waiting.
    func send(
        _ method: String, _ params: [(key: String, value: JSONValue)] = [], session: String? = nil, timeout: Duration
    ) async throws(BrowserError) -> JSONValue {
        let id = state.withLock { state -> Int in
            defer { state.nextId += 1 }
            return state.nextId
        }
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<JSONValue, BrowserError>, Never>) in
                let refusal: BrowserError? = state.withLock { state in
                    if let closed = state.closed { return .browserGone(closed) }
                    if Task.isCancelled { return .cancelled }
                    state.pending[id] = continuation
                    guard write(id: id, method, params, session: session) else {
                        state.pending[id] = nil
                        return .browserGone("the pipe to the browser is closed")
                    }
                    state.timers[id] = Task { [self] in
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        resolve(id, .failure(.timedOut(method)))
                    }
                    return nil
                }
                if let refusal { continuation.resume(returning: .failure(refusal)) }
            }
        } onCancel: {
            resolve(id, .failure(.cancelled))
        }
        return try outcome.get()
    }

    /// Sends `method` without waiting for its reply (answering a dialog from a listener).
    func post(_ method: String, _ params: [(key: String, value: JSONValue)] = [], session: String? = nil) {
        state.withLock { state in
            guard state.closed == nil else { return }
            let id = state.nextId
            state.nextId += 1
            _ = write(id: id, method, params, session: session)
        }
    }

    func listen(session: String, _ listener: @escaping Listener) {
        state.withLock { $0.listeners[session] = listener }
    }

    func stopListening(session: String) {
        _ = state.withLock { $0.listeners.removeValue(forKey: session) }
    }

    /// Ends the connection: pending commands fail with `reason`, the write side is closed (the
    /// browser then exits on its own).
    func close(_ reason: String) {
        let pending = state.withLock { state -> [CheckedContinuation<Result<JSONValue, BrowserError>, Never>] in
            guard state.closed == nil else { return [] }
            state.closed = reason
            Glibc.close(writeFD)
            for timer in state.timers.values { timer.cancel() }
            defer { state.pending = [:]; state.timers = [:] }
            return Array(state.pending.values)
        }
        for continuation in pending { continuation.resume(returning: .failure(.browserGone(reason))) }
    }

    private func resolve(_ id: Int, _ result: Result<JSONValue, BrowserError>) {
        let continuation = state.withLock { state in
            state.timers.removeValue(forKey: id)?.cancel()
            return state.pending.removeValue(forKey: id)
        }
        continuation?.resume(returning: result)
    }

    /// Called with the lock held. A message is small enough that the browser, which reads its
    /// pipe on its own IO thread even while a page hangs, takes it at once.
    private func write(id: Int, _ method: String, _ params: [(key: String, value: JSONValue)], session: String?) -> Bool {
        var message: [(key: String, value: JSONValue)] = [("id", .number(Double(id))), ("method", .string(method)), ("params", .object(params))]
        if let session { message.append(("sessionId", .string(session))) }
        var bytes = Array(JSON5.serialize(.object(message)).utf8)
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    private func readLoop(_ fd: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            var start = buffer.count
            buffer.append(contentsOf: chunk[0..<count])
            var consumed = 0
            while let end = buffer[start...].firstIndex(of: 0) {
                dispatch(buffer[consumed..<end])
                consumed = end + 1
                start = consumed
            }
            if consumed > 0 { buffer.removeFirst(consumed) }
        }
        Glibc.close(fd)
        close("the browser exited")
    }

    private func dispatch(_ bytes: ArraySlice<UInt8>) {
        guard let message = try? JSON5.parseJSON(bytes) else { return }
        if case .number(let number)? = message["id"] {
            let id = Int(number)
            if let error = message["error"] {
                let text = error["message"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "error"
                resolve(id, .failure(.protocolError(text)))
            } else {
                resolve(id, .success(message["result"] ?? .null))
            }
            return
        }
        guard case .string(let method)? = message["method"] else { return }
        let session: String
        if case .string(let id)? = message["sessionId"] { session = id } else { session = "" }
        let listener = state.withLock { $0.listeners[session] }
        listener?(method, message["params"] ?? .null)
    }
}

/// Why a command to the browser got no answer, for a person.
enum BrowserError: Error, Sendable, CustomStringConvertible {
    case browserGone(String)
    case timedOut(String)
    case cancelled
    case protocolError(String)
    case unavailable(String)

    var description: String {
        switch self {
        case .browserGone(let why): "the browser is gone (\(why))"
        case .timedOut(let method): "the browser did not answer \(method) in time"
        case .cancelled: "cancelled"
        case .protocolError(let message): "the browser refused: \(message)"
        case .unavailable(let why): why
        }
    }
}
