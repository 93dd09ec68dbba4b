import CCurl
import CCurlShim
import Foundation

/// The loop that owns the multi handle, every easy handle and every share handle.
/// All code here runs on the engine's single loop thread (libcurl-thread(3): a handle must
/// never be used from two threads at once); only `CurlEngine` talks to other threads.
final class EventLoop {
    private let engine: CurlEngine
    private let multi: UnsafeMutableRawPointer
    /// In-flight transfers by id, for cancellation. Completion finds its transfer in O(1)
    /// through CURLOPT_PRIVATE instead.
    private var transfers: [UInt64: EasyTransfer] = [:]
    private var sessions: [UInt64: Session] = [:]
    private let handles = EasyHandlePool()
    /// Completion messages of one `readCompletions` pass.
    private var completed: [(EasyTransfer, CURLcode)] = []
    /// Ids finished since the last drain; the next drain removes them from `Inbox.live`.
    private var finishedIDs: [UInt64] = []
    /// Swapped with the inbox's queue on each drain so neither side reallocates.
    private var commands: [Command] = []

    init(engine: CurlEngine) {
        self.engine = engine
        self.multi = engine.multi
    }

    func run() {
        while drainInbox() {
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            readCompletions()
            var readyDescriptors: Int32 = 0
            // Sleeps until socket activity, curl's next timeout, or curl_multi_wakeup.
            curl_multi_poll(multi, nil, 0, 1000, &readyDescriptors)
        }
        tearDown()
    }

    /// Takes everything queued by tasks and acts on it. Returns false once shut down.
    private func drainInbox() -> Bool {
        let isShutDown = engine.inbox.withLock { inbox in
            for id in finishedIDs { inbox.live.remove(id) }
            inbox.wakeupPending = false
            swap(&inbox.commands, &commands)
            return inbox.isShutDown
        }
        finishedIDs.removeAll(keepingCapacity: true)
        for command in commands {
            switch command {
            case .open(let id): sessions[id] = Session()
            case .perform(let submission): start(submission)
            case .cancel(let id): cancel(id)
            case .close(let id): close(sessionID: id)
            }
        }
        commands.removeAll(keepingCapacity: true)
        return !isShutDown
    }

    private func start(_ submission: Submission) {
        guard let session = sessions[submission.session], !session.isClosing else {
            let error = TransferError(kind: .invalidRequest, code: 0, message: "the HTTP session was closed (or was made by another engine)")
            submission.continuation.resume(returning: .failure(error))
            finishedIDs.append(submission.id)
            return
        }
        guard let share = session.shareHandle(), let handle = handles.take() else {
            let error = TransferError(kind: .other, code: 0, message: "libcurl could not allocate a handle")
            submission.continuation.resume(returning: .failure(error))
            finishedIDs.append(submission.id)
            return
        }
        let transfer = EasyTransfer(submission: submission, handle: handle)
        let setupCode = transfer.configure(share: share, ownConnection: session.needsOwnConnection(for: submission.request.connection.clientCertificate))
        if setupCode != CURLE_OK {
            complete(transfer, with: .failure(transfer.error(code: setupCode)), wasAdded: false)
            return
        }
        let addCode = curl_multi_add_handle(multi, handle.raw)
        if addCode != CURLM_OK {
            let message = String(cString: curl_multi_strerror(addCode))
            let error = TransferError(kind: .other, code: 0, message: "curl_multi_add_handle: \(message)")
            complete(transfer, with: .failure(error), wasAdded: false)
            return
        }
        session.activeTransfers += 1
        transfers[transfer.id] = transfer
    }

    /// Reads every completion message before removing any handle: in 7.88,
    /// curl_multi_remove_handle scans the unread messages, which made a batch quadratic.
    private func readCompletions() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle else { continue }
            var context: UnsafeMutableRawPointer?
            _ = ccurl_easy_getinfo_private(raw, &context)
            guard let context else { continue }
            let transfer = Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue()
            completed.append((transfer, message.pointee.data.result))
        }
        for (transfer, code) in completed {
            let outcome = transfer.outcome(code: code, session: sessions[transfer.sessionID])
            transfers[transfer.id] = nil
            complete(transfer, with: outcome, wasAdded: true)
        }
        completed.removeAll(keepingCapacity: true)
    }

    private func cancel(_ id: UInt64) {
        guard let transfer = transfers.removeValue(forKey: id) else { return }
        complete(transfer, with: .failure(transfer.cancellationError()), wasAdded: true)
    }

    /// Detaches the handle, recycles it, then resumes the waiting task. The transfer (the
    /// callbacks' context) stays alive until after curl_easy_reset has dropped the callbacks.
    private func complete(_ transfer: EasyTransfer, with outcome: Result<HTTPResponse, TransferError>, wasAdded: Bool) {
        if wasAdded {
            curl_multi_remove_handle(multi, transfer.handle.raw)
            if let session = sessions[transfer.sessionID] {
                session.activeTransfers -= 1
                if session.isClosing && session.activeTransfers == 0 { destroy(sessionID: transfer.sessionID) }
            }
        }
        handles.recycle(transfer.handle)
        transfer.releaseRequestResources()
        finishedIDs.append(transfer.id)
        transfer.continuation.resume(returning: outcome)
    }

    private func close(sessionID: UInt64) {
        guard let session = sessions[sessionID] else { return }
        session.isClosing = true
        if session.activeTransfers == 0 { destroy(sessionID: sessionID) }
    }

    private func destroy(sessionID: UInt64) {
        sessions.removeValue(forKey: sessionID)?.destroy()
    }

    private func tearDown() {
        for transfer in transfers.values {
            let error = TransferError(kind: .cancelled, code: 0, message: "the HTTP engine was shut down", timings: transfer.interruptedTimings())
            complete(transfer, with: .failure(error), wasAdded: true)
        }
        transfers.removeAll()
        // Submissions queued just before shutdown were started by the last drain and are
        // failed above; later ones were refused by `submit`.
        for session in sessions.values { session.destroy() }
        sessions.removeAll()
        handles.destroyAll()
        curl_multi_cleanup(multi)
    }
}

@available(*, unavailable)
extension EventLoop: Sendable {}
