import Foundation

/// A transfer that failed for want of something on our side: connect() or socket() refused by our
/// own kernel (no descriptor, no local port, no buffer) or libcurl out of memory. libcurl reports
/// these as "Couldn't connect to server", the same code as a refusal by the target, so the OS
/// errno (CURLINFO_OS_ERRNO) is what tells them apart.
struct LocalResourceError {
    let reason: String

    /// nil when the failure is not ours to blame.
    init?(code: Int, osErrno: Int32) {
        if code == 27 {  // CURLE_OUT_OF_MEMORY
            reason = "out of memory"
            return
        }
        switch osErrno {
        case EMFILE: reason = "too many open files in this process (EMFILE)"
        case ENFILE: reason = "too many open files in the system (ENFILE)"
        case EADDRNOTAVAIL: reason = "no free local port or address (EADDRNOTAVAIL)"
        case ENOBUFS: reason = "no socket buffer space (ENOBUFS)"
        case ENOMEM: reason = "out of memory (ENOMEM)"
        default: return nil
        }
    }

    /// The message as shown in records: whose fault it is first, libcurl's words after.
    func explain(_ message: String) -> String {
        "the runner could not get a local resource: \(reason); the target was not reached (libcurl: \(message))"
    }
}
