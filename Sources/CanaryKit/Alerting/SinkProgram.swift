import Foundation

/// Runs the `--on-alarm` program once for one event: argv as given, no shell, the event JSON on
/// its stdin and nowhere else (never on the command line, where event text could inject
/// arguments). Its output goes to our stderr so canary's stdout stays parseable.
struct ProgramDelivery: Sendable {
    let argv: [String]
    /// How long the program may run before SIGTERM; SIGKILL follows a second later.
    let timeout: Duration

    /// Delivered when the program exited 0; a program that cannot be found is refused for good,
    /// any other failure is worth another attempt later.
    func run(with payload: [UInt8]) async -> SinkAttempt {
        guard let program = argv.first, let executable = Self.resolve(program) else {
            return .refused("no such program (give a path, or a name found on PATH)")
        }
        guard let input = Self.inputFile(holding: payload + [UInt8(ascii: "\n")]) else {
            return .retryable("cannot write the event for its stdin: \(String(cString: strerror(errno)))", retryAfter: nil)
        }
        defer { close(input) }
        let child: ProgramChild
        do {
            child = try ProgramChild(executable: executable, argv: argv, input: input)
        } catch {
            return .retryable("cannot start: \(error.reason)", retryAfter: nil)
        }
        let watchdog = Task { [timeout] in
            // Cancelled once the program has ended, this does nothing; cancelled because our caller
            // was, it stops the program at once rather than leave it running.
            try? await Task.sleep(for: timeout)
            guard !child.hasExited else { return }
            child.signal(SIGTERM, timedOut: true)
            try? await Task.sleep(for: .seconds(1))
            child.signal(SIGKILL)
        }
        let exit = await withTaskCancellationHandler {
            await child.wait()
        } onCancel: {
            watchdog.cancel()
        }
        watchdog.cancel()
        if Task.isCancelled { return .cancelled }
        if exit.timedOut { return .retryable("still running after \(timeout.humanText), killed", retryAfter: nil) }
        if exit.signalled { return .retryable("killed by signal \(exit.status)", retryAfter: nil) }
        return exit.status == 0 ? .delivered : .retryable("exited with status \(exit.status)", retryAfter: nil)
    }

    /// The event in an unlinked temp file, rewound, for the child's stdin. A file rather than a
    /// pipe: nothing can block on a program that never reads, and the descriptor is close-on-exec
    /// from birth, so no other child spawned meanwhile inherits it and holds the input open.
    private static func inputFile(holding bytes: [UInt8]) -> Int32? {
        let path = FileManager.default.temporaryDirectory.path + "/canary-event-\(UUID().uuidString)"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        unlink(path)
        let complete = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
        guard complete, lseek(fd, 0, SEEK_SET) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// A name with a slash is a path; a bare name is looked up on PATH, as execvp would.
    static func resolve(_ program: String) -> String? {
        let files = FileManager.default
        if program.contains("/") { return files.isExecutableFile(atPath: program) ? program : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if files.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
