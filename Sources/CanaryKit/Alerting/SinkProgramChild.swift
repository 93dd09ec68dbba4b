import Foundation
import Locking

/// One child process started with posix_spawn rather than Foundation's `Process`, because the
/// child must not inherit the spawning thread's signal state: Swift's concurrency threads block
/// most signals (SIGTERM included) and the engine ignores SIGPIPE, and both pass through exec.
/// The child leads its own process group, so a timeout stops `sh -c` and its children together.
final class ProgramChild: Sendable {
    struct Exit: Sendable {
        /// The exit status, or the signal number when `signalled`.
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
    }

    let pid: pid_t
    private let state = Locked(State())

    private struct State {
        /// Set once the child has exited but before it is reaped, so its pid (and group id) stay
        /// ours for as long as `signal` may still use them.
        var exited = false
        var timedOut = false
        var result: Exit?
        var waiter: CheckedContinuation<Exit, Never>?
    }

    /// Starts `executable` with `argv`, stdin from `input`, stdout to `output` and stderr to
    /// `errors` (both our stderr unless given), a minimal environment (`ChildEnvironment`) with
    /// `environment` overriding, and no other descriptor of ours (issue 25 item 9) except
    /// `extra`, which the child gets as descriptors 3, 4, … in order (Chromium's
    /// `--remote-debugging-pipe` reads commands from 3 and writes replies to 4).
    init(
        executable: String, argv: [String], input: Int32, output: Int32 = 2, errors: Int32 = 2,
        environment overrides: [String: String] = [:], extra: [Int32] = []
    ) throws(ProgramSpawnError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        if errors != 2 { posix_spawn_file_actions_adddup2(&actions, errors, 2) }
        // Copies above any target number first, so placing one at 3 can't clobber another
        // that happens to be 3 or 4 in this process; closed here once the child has them.
        let lifted = extra.map { fcntl($0, F_DUPFD_CLOEXEC, 64) }
        defer { for fd in lifted where fd >= 0 { close(fd) } }
        guard !lifted.contains(where: { $0 < 0 }) else { throw ProgramSpawnError(reason: String(cString: strerror(errno))) }
        for (offset, fd) in lifted.enumerated() { posix_spawn_file_actions_adddup2(&actions, fd, Int32(3 + offset)) }
        // Descriptors libcurl or Foundation opened without close-on-exec (a socketpair) or that
        // canary inherited must not reach the child: close everything above the ones it is given.
        ChildEnvironment.closeFrom(Int32(3 + extra.count), &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigemptyset(&allSignals)
        for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&allSignals, Int32(signal)) }
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let environment = ChildEnvironment.variables(overriding: overrides).map { "\($0.key)=\($0.value)" }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid = pid_t()
        let code = posix_spawn(&pid, executable, &actions, &attributes, cArguments, cEnvironment)
        guard code == 0 else { throw ProgramSpawnError(reason: String(cString: strerror(code))) }
        self.pid = pid
        startWaiting()
    }

    /// Sends `signal` to the child's process group unless the child has already exited.
    func signal(_ signal: Int32, timedOut: Bool = false) {
        state.withLock { state in
            guard !state.exited else { return }
            if timedOut { state.timedOut = true }
            kill(-pid, signal)
        }
    }

    var hasExited: Bool { state.withLock { $0.exited } }

    /// Suspends until the child has exited and been reaped.
    func wait() async -> Exit {
        await withCheckedContinuation { continuation in
            let ready: Exit? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Blocks a dispatch thread, not a Swift concurrency one, in waitid/waitpid: the program may
    /// run for the whole timeout, and the cooperative pool has only a thread per core.
    private func startWaiting() {
        DispatchQueue.global().async { [self] in
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            state.withLock { $0.exited = true }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
            let signalNumber = status & 0x7f
            let exit = signalNumber == 0
                ? (status: (status >> 8) & 0xff, signalled: false)
                : (status: signalNumber, signalled: true)
            let waiter: (CheckedContinuation<Exit, Never>, Exit)? = state.withLock { state in
                let result = Exit(status: exit.status, signalled: exit.signalled, timedOut: state.timedOut)
                state.result = result
                defer { state.waiter = nil }
                return state.waiter.map { ($0, result) }
            }
            if let (continuation, result) = waiter { continuation.resume(returning: result) }
        }
    }
}

/// What a child process inherits: PATH, HOME, LANG and TZ, and the variables named with
/// `--pass-env NAME`; never the rest of canary's environment (secrets, unrelated tokens).
public enum ChildEnvironment {
    static let alwaysPassed = ["PATH", "HOME", "LANG", "TZ"]
    private static let passed = Locked<Set<String>>([])

    /// Set once at start from `--pass-env`.
    public static func configure(passing names: [String]) {
        passed.withLock { $0 = Set(names) }
    }

    /// Whether `name` can be an environment variable's name (`--pass-env` checks it).
    public static func isName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("=") && !name.utf8.contains(0)
    }

    static func variables(overriding overrides: [String: String]) -> [String: String] {
        let names = Set(alwaysPassed).union(passed.withLock { $0 })
        let own = ProcessInfo.processInfo.environment.filter { names.contains($0.key) }
        return own.merging(overrides) { _, override in override }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+; Swift's Glibc module does not
    /// export it); where it is missing, each descriptor open now from `first` up is closed instead.
    static func closeFrom(_ first: Int32, _ actions: inout posix_spawn_file_actions_t) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, first) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd >= first { posix_spawn_file_actions_addclose(&actions, fd) }
    }
}

/// posix_spawn refused to start the program.
struct ProgramSpawnError: Error {
    var reason: String
}
