import Foundation
import Testing

/// Issue 23 items 5 and 12: a run behind a held results lock says who holds it and gives up after
/// --lock-timeout; the console draws its live line only on a capable terminal, in ASCII outside UTF-8.
@Suite("canary run: the results lock and the terminal")
struct RunConsoleLockTests {
    private func canary() throws -> (folder: String, file: String) {
        let folder = try makeTemporaryDirectory()
        try #"{name: "quick", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/quick.json", atomically: true, encoding: .utf8)
        return (folder, folder + "/quick.json")
    }

    /// Holds `lock` as another canary run would, then 300 other locks taken after it on the same
    /// CPU: /proc/locks lists each CPU's locks newest first, so the folder's lock is past the
    /// first 4 KB page of it (as when the other test shard's runs hold theirs). Ready once
    /// `ready` exists; holds until terminated, 30 s at most. Foundation's Process leaves the test
    /// process's blocked signals blocked in the child, so SIGTERM is unblocked first: a holder
    /// left running would keep the shard's `swift test` waiting on its output pipe.
    private static let lockHolder = """
        import fcntl, os, signal, sys, time
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        held = [open(sys.argv[1], "a")]
        fcntl.flock(held[0], fcntl.LOCK_EX)
        for index in range(300):
            held.append(open(os.path.join(sys.argv[2], "other-%d.lock" % index), "a"))
            fcntl.flock(held[-1], fcntl.LOCK_EX)
        open(sys.argv[3], "w").close()
        time.sleep(30)
        """

    @Test("--lock-timeout 1.5s behind a held lock names the holder's pid after 1 s and exits 3 after about 1.5 s, among many other locks")
    func lockTimeout() async throws {
        let (folder, file) = try canary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/r", withIntermediateDirectories: true)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", Self.lockHolder, folder + "/r/.lock", folder, folder + "/ready"]
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        _ = try launch(holder)
        defer { holder.terminate() }
        // Until the holder has every lock (not a fixed sleep: under load it may take longer).
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: folder + "/ready") && holder.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(FileManager.default.fileExists(atPath: folder + "/ready"), "the lock holder never got ready")
        let clock = ContinuousClock()
        let started = clock.now
        let output = try await CLI.run(["run", file, "--results", folder + "/r", "--lock-timeout", "1.5s"] + TestServers.varArguments)
        let elapsed = clock.now - started
        let pid = holder.processIdentifier
        #expect(output.status == 3, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("waiting for the results folder \(folder)/r: process \(pid) holds its lock"), "\(output.stderr)")
        #expect(output.stderr.contains("still in use by process \(pid) after --lock-timeout 1.5s"), "\(output.stderr)")
        #expect(elapsed >= .milliseconds(1500) && elapsed < .seconds(4), "took \(elapsed)")
        #expect(!RunLogFiles.exists(folder + "/r"))
    }

    /// The canary run under a pseudo-terminal (script(1)), with `environment` set inside it.
    private func underTerminal(_ environment: String) async throws -> String {
        let (folder, file) = try canary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command = "env -u CI \(environment) '\(CLI.binary)' run '\(file)' --results '\(folder)/r' --var site=\(TestServers.nginx)"
        let output = try await CLI.run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        return output.stdout
    }

    @Test("a terminal gets the live line; TERM=dumb and CI=1 get plain lines only")
    func progressLine() async throws {
        let capable = try await underTerminal("TERM=xterm")
        #expect(capable.contains("\r\u{1B}[K"), "the control case: a capable terminal shows the live line")
        #expect(capable.contains("quick"))
        for environment in ["TERM=dumb", "TERM=xterm CI=true"] {
            let plain = try await underTerminal(environment)
            #expect(plain.contains("quick"), "\(environment): \(plain)")
            #expect(!plain.contains("\u{1B}["), "\(environment) got terminal control sequences: \(plain.debugDescription)")
        }
    }

    @Test("outside a UTF-8 locale the marks are ASCII; in one they are ✓ and ✗")
    func asciiSymbols() async throws {
        let (folder, file) = try canary()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "down", steps: [{name: "get", request: {url: "{{httpbin}}/status/503"}}]}"#.write(toFile: folder + "/down.json", atomically: true, encoding: .utf8)
        let ascii = try await CLI.run(
            ["run", folder, "--results", folder + "/r", "--screenshots", "none"] + TestServers.varArguments,
            environment: ["LANG": "C", "LC_ALL": "", "LC_CTYPE": ""])
        #expect(ascii.status == 1)
        #expect(ascii.stdout.contains("PASS quick") && ascii.stdout.contains("FAIL down"), "\(ascii.stdout)")
        #expect(ascii.stdout.contains("get > status"), "\(ascii.stdout)")
        #expect(ascii.stdout.utf8.allSatisfy { $0 < 0x80 }, "\(ascii.stdout)")
        let utf8 = try await CLI.run(
            ["run", folder, "--results", folder + "/r", "--screenshots", "none"] + TestServers.varArguments,
            environment: ["LANG": "C", "LC_ALL": "en_US.UTF-8"])
        #expect(utf8.stdout.contains("✓ quick") && utf8.stdout.contains("✗ down"), "\(utf8.stdout)")
    }
}
