import Foundation

/// Runs the browser as a child process (no shell in between) with a deadline, through the one
/// spawn path (`ProgramChild`): Foundation's `Process` would hand the browser our ignored SIGPIPE
/// and our concurrency threads' blocked signals.
enum BrowserProcess {
    enum Outcome: Equatable {
        case exited(Int32)
        case killedBySignal(Int32)
        case timedOut
        case failedToStart(String)
    }

    /// Starts `executable`, waits up to `timeout`, and kills its whole process group (the browser
    /// and its zygote and renderer helpers) if it is still running then, or if the task is
    /// cancelled. HOME and the XDG folders point into `home` so the browser leaves nothing behind
    /// elsewhere; its stderr goes to `log`, its stdout nowhere.
    static func run(executable: String, arguments: [String], home: String, log: String, timeout: Duration) async -> Outcome {
        let logFD = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let nullFD = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer {
            if logFD >= 0 { close(logFD) }
            if nullFD >= 0 { close(nullFD) }
        }
        guard nullFD >= 0 else { return .failedToStart("cannot open /dev/null: \(String(cString: strerror(errno)))") }
        let child: ProgramChild
        do {
            child = try ProgramChild(
                executable: executable, argv: [executable] + arguments, input: nullFD, output: nullFD,
                errors: logFD >= 0 ? logFD : nullFD,
                environment: ["HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_CACHE_HOME": home + "/cache"])
        } catch {
            return .failedToStart(error.reason)
        }
        // Rendering is background work: at nice 10 (the whole group, so helpers forked meanwhile
        // too) the browser yields the CPU to the canaries' own runs.
        _ = setpriority(__priority_which_t(PRIO_PGRP.rawValue), id_t(child.pid), 10)
        let watchdog = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            child.signal(SIGKILL, timedOut: true)
        }
        let exit = await withTaskCancellationHandler {
            await child.wait()
        } onCancel: {
            watchdog.cancel()
            child.signal(SIGKILL)
        }
        watchdog.cancel()
        if exit.timedOut { return .timedOut }
        return exit.signalled ? .killedBySignal(exit.status) : .exited(exit.status)
    }
}
