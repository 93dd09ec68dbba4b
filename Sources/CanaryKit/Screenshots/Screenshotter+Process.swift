import Foundation

/// Runs the browser as a child process (no shell in between) with a deadline.
enum BrowserProcess {
    enum Outcome: Equatable {
        case exited(Int32)
        case timedOut
        case failedToStart(String)
    }

    /// Starts `executable`, waits up to `timeout`, and kills it (and its helper processes, when
    /// it leads a process group of its own) if it is still running then, or if the task is cancelled.
    /// HOME and the XDG folders point into `home` so the browser leaves nothing behind elsewhere.
    static func run(executable: String, arguments: [String], home: String, log: String, timeout: Duration) async -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["XDG_CONFIG_HOME"] = home + "/config"
        environment["XDG_CACHE_HOME"] = home + "/cache"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let logFD = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if logFD >= 0 {
            process.standardError = FileHandle(fileDescriptor: logFD, closeOnDealloc: true)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        do {
            try process.run()
        } catch {
            return .failedToStart((error as NSError).localizedDescription)
        }
        let pid = process.processIdentifier
        // Read while the child surely exists (a reaped pid could be reused): whether it leads a
        // process group of its own, which is then safe to kill as a whole.
        let ownGroup = getpgid(pid) == pid && pid != getpgrp()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        // Polling keeps this free of callbacks from Foundation's own threads; 50 ms is
        // nothing next to a browser start.
        var stopped = false
        while process.isRunning {
            if ContinuousClock.now >= deadline || Task.isCancelled {
                _ = ownGroup ? kill(-pid, SIGKILL) : kill(pid, SIGKILL)
                stopped = true
                break
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        while process.isRunning {
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Helpers (zygote, renderer) normally exit with the browser; make sure of it.
        if ownGroup { _ = kill(-pid, SIGKILL) }
        return stopped ? .timedOut : .exited(process.terminationStatus)
    }
}
