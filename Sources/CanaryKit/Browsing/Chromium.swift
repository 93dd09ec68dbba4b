import Foundation
import Locking

/// One headless Chromium driven over `--remote-debugging-pipe`, started through the one spawn
/// path (`ProgramChild`) with HOME, XDG folders and the profile in a throwaway folder. It leads
/// its own process group: `stop()` kills the browser with its zygote and renderers.
final class Chromium: Sendable {
    let connection: DevToolsConnection
    private let child: ProgramChild
    private let folder: String

    /// Starts `executable`; the browser is ready once it answers `Browser.getVersion`.
    static func start(executable: String) async throws(BrowserError) -> Chromium {
        let folder = FileManager.default.temporaryDirectory.path + "/canary-browser-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unavailable("cannot create a folder for the browser's profile: \(error)")
        }
        var toBrowser: [Int32] = [-1, -1], fromBrowser: [Int32] = [-1, -1]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            try? FileManager.default.removeItem(atPath: folder)
            throw .unavailable("cannot open pipes to the browser: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec: no other child (a sink program, a screenshot) may inherit the pipes.
        for fd in toBrowser + fromBrowser { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let nullFD = open("/dev/null", O_RDWR | O_CLOEXEC)
        let logFD = open(folder + "/browser.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer {
            for fd in [nullFD, logFD, toBrowser[0], fromBrowser[1]] where fd >= 0 { close(fd) }
        }
        let child: ProgramChild
        do {
            child = try ProgramChild(
                executable: executable, argv: [executable] + arguments(profile: folder + "/profile"), input: nullFD, output: nullFD,
                errors: logFD >= 0 ? logFD : nullFD,
                environment: ["HOME": folder, "XDG_CONFIG_HOME": folder + "/config", "XDG_CACHE_HOME": folder + "/cache"],
                extra: [toBrowser[0], fromBrowser[1]])
        } catch {
            close(toBrowser[1])
            close(fromBrowser[0])
            try? FileManager.default.removeItem(atPath: folder)
            throw .unavailable("cannot start \(executable): \(error.reason)")
        }
        let chromium = Chromium(connection: DevToolsConnection(writeFD: toBrowser[1], readFD: fromBrowser[0]), child: child, folder: folder)
        chromium.connection.listen(session: "") { [weak chromium] method, params in
            chromium?.browserEvent(method, params)
        }
        do {
            _ = try await chromium.connection.send("Browser.getVersion", timeout: .seconds(30))
            _ = try await chromium.connection.send("Target.setDiscoverTargets", [("discover", .bool(true))], timeout: .seconds(10))
        } catch {
            chromium.stop()
            throw .unavailable("\(executable) did not start: \(error)\(chromium.lastLogLine)")
        }
        return chromium
    }

    /// The pages of each open context, by context id, to tell them of what was refused.
    private let pages = Locked<[String: PageEvents]>([:])

    func register(_ events: PageEvents, context: String) {
        pages.withLock { $0[context] = events }
    }

    func unregister(context: String) {
        _ = pages.withLock { $0.removeValue(forKey: context) }
    }

    /// Pop-ups are refused: a page target opened by another page (`window.open` got past the
    /// bootstrap, a `target=_blank` link) is closed at once and noted on its opener.
    private func browserEvent(_ method: String, _ params: JSONValue) {
        guard method == "Target.targetCreated", let info = params["targetInfo"], info["type"]?.stringValue == "page",
              info["openerId"]?.stringValue != nil, let targetId = info["targetId"]?.stringValue else { return }
        connection.post("Target.closeTarget", [("targetId", .string(targetId))])
        if let context = info["browserContextId"]?.stringValue, let events = pages.withLock({ $0[context] }) {
            events.refuse("pop-up \(info["url"]?.stringValue ?? "")")
        }
    }

    private init(connection: DevToolsConnection, child: ProgramChild, folder: String) {
        self.connection = connection
        self.child = child
        self.folder = folder
    }

    var isAlive: Bool { !connection.isClosed && !child.hasExited }

    /// `stop()`, returning once the browser has exited and its folder is removed.
    func stopAndWait() async {
        connection.close("the browser was stopped")
        child.signal(SIGKILL)
        _ = await child.wait()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Kills the browser's process group and removes its folder (once it has exited).
    func stop() {
        connection.close("the browser was stopped")
        child.signal(SIGKILL)
        let child = self.child, folder = self.folder
        Task.detached {
            _ = await child.wait()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Headless, no first-run or background traffic; popup blocking stays on (the default).
    static func arguments(profile: String) -> [String] {
        [
            "--headless", "--disable-gpu", "--remote-debugging-pipe",
            // We run as root in containers, where Chromium's sandbox can't start.
            "--no-sandbox", "--disable-dev-shm-usage",
            "--user-data-dir=" + profile,
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--disable-domain-reliability", "--disable-breakpad", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-sync", "--metrics-recording-only", "--mute-audio",
            "--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider",
            "--hide-scrollbars", "--password-store=basic", "--use-mock-keychain",
            "about:blank",
        ]
    }

    /// `: <the browser's last complaint>`, skipping the D-Bus noise.
    var lastLogLine: String {
        guard let text = try? String(contentsOfFile: folder + "/browser.log", encoding: .utf8) else { return "" }
        let line = text.split(whereSeparator: \.isNewline).last { !$0.contains("dbus") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return line.map { ": " + String($0.prefix(300)) } ?? ""
    }
}

/// The browser of this process, shared by every browser step: started when the first one runs,
/// restarted when it has died, with at most `jobs` pages open at once (`--browser-jobs`).
public actor BrowserPool {
    /// The one pool of the process (one Chromium per process).
    public static let shared = BrowserPool()

    private var jobs = 2
    private var executable: String?
    private var browser: Chromium?
    private var starting: Task<Result<Chromium, BrowserError>, Never>?
    private var busy = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextWaiter: UInt64 = 0

    /// `--browser-jobs` and, for tests, the browser to run (default: the first chromium on PATH).
    public func configure(jobs: Int, executable: String? = nil) {
        self.jobs = max(1, jobs)
        if let executable { self.executable = executable }
    }

    /// The package to install when no browser is found, for `canary validate` and step errors.
    public static let missingBrowser = "no Chromium found on PATH (tried chromium, chromium-browser, google-chrome): install it, e.g. `apt-get install chromium`"

    /// Whether a browser can be run here.
    public nonisolated static var isInstalled: Bool { Screenshotter.find() != nil }

    /// Waits for a free page slot and returns the browser (started if needed); every success
    /// must be followed by `giveBack()`. On failure the slot is already free again.
    func lease() async -> Result<Chromium, BrowserError> {
        guard await acquire() else { return .failure(.cancelled) }
        let result = await running()
        if case .failure = result { release() }
        return result
    }

    /// Frees the slot `lease()` took.
    func giveBack() {
        release()
    }

    /// Stops the browser and waits until its profile folder is gone (the next step would start
    /// a new one).
    public func shutdown() async {
        guard let browser else { return }
        self.browser = nil
        await browser.stopAndWait()
    }

    /// Stops `chromium` if it is still the current browser: it stopped answering.
    func discard(_ chromium: Chromium) {
        guard browser === chromium else { return }
        chromium.stop()
        browser = nil
    }

    private func running() async -> Result<Chromium, BrowserError> {
        if let browser, browser.isAlive { return .success(browser) }
        if let browser {
            browser.stop()
            self.browser = nil
        }
        if let starting { return await starting.value }
        guard let executable = executable ?? Screenshotter.find()?.executable else { return .failure(.unavailable(Self.missingBrowser)) }
        let task = Task { () -> Result<Chromium, BrowserError> in
            do throws(BrowserError) {
                return .success(try await Chromium.start(executable: executable))
            } catch {
                return .failure(error)
            }
        }
        starting = task
        let result = await task.value
        starting = nil
        if case .success(let chromium) = result { browser = chromium }
        return result
    }

    /// A slot, or false when the task was cancelled while waiting (its canary timed out): a
    /// step stuck behind --browser-jobs must not hold its canary past the canary's timeout.
    private func acquire() async -> Bool {
        if busy < jobs {
            busy += 1
            return true
        }
        nextWaiter += 1
        let id = nextWaiter
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    private func abandon(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }

    private func release() {
        if waiters.isEmpty {
            busy -= 1
        } else {
            // The slot passes straight to the next waiter.
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }
}
