import CanaryKit
import Foundation
import Testing

/// The results folder is missing, can't be written, or its disk fills up: a clear error naming
/// the path and the fix, exit 2, and every record written before stays readable.
@Suite("disk faults")
struct DiskFaultTests {
    /// `count` passing two-step canaries against nginx, in `folder/canaries`.
    private func writeCanaries(in folder: String, count: Int, prefix: String = "c") throws -> String {
        let canaries = folder + "/canaries-" + prefix
        try FileManager.default.createDirectory(atPath: canaries, withIntermediateDirectories: true)
        for index in 0..<count {
            let step = #"{request: {url: "{{site}}/status.json"}, expect: {json: {"$.status": "ok"}}}"#
            try "{name: \"\(prefix)\(index)\", steps: [\(step), \(step)]}"
                .write(toFile: canaries + "/\(prefix)\(index).json", atomically: true, encoding: .utf8)
        }
        return canaries
    }

    private func run(_ canaries: String, results: String, extra: [String] = []) async throws -> CLI.Output {
        try await CLI.run(["run", canaries, "--results", results, "-q"] + extra + TestServers.varArguments("site"))
    }

    @Test("a missing results folder is created, with its parents")
    func missingFolder() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = try writeCanaries(in: folder, count: 2)
        let results = folder + "/not/there/yet"
        let output = try await run(canaries, results: results)
        #expect(output.status == 0, "\(output.stderr)")
        let audit = try await ResultsAudit.of(results)
        #expect(audit.runLines.count == 2 && audit.exchanges == 2 && audit.unreadable.isEmpty, "\(audit.unreadable)")
        #expect(FileManager.default.fileExists(atPath: results + "/state.json"))
        #expect(FileManager.default.fileExists(atPath: results + "/metrics.prom"))
    }

    @Test("a results folder that is a file, or lies under one, is an error naming it, exit 2")
    func notAFolder() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = try writeCanaries(in: folder, count: 1)
        let file = folder + "/results"
        try "not a folder".write(toFile: file, atomically: true, encoding: .utf8)
        for results in [file, file + "/sub"] {
            let output = try await run(canaries, results: results)
            #expect(output.status == 2)
            #expect(output.stderr == "canary: cannot use results folder \(file): it exists and is not a folder; move that file away, or pass --results with a folder\n")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not a folder")
    }

    @Test("a results folder on a read-only file system is an error naming it, exit 2; its records stay")
    func readOnly() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = try writeCanaries(in: folder, count: 2)
        let results = folder + "/ro"
        guard let disk = TmpfsMount.mount(at: results, options: "size=1m,mode=0755") else { return }
        defer { disk.unmount() }
        #expect(try await run(canaries, results: results).status == 0)
        let before = try await ResultsAudit.of(results)
        disk.remount(readOnly: true)
        let hint = "Read-only file system; pass --results with a folder on a writable file system"
        let output = try await run(canaries, results: results)
        #expect(output.status == 2)
        #expect(output.stderr == "canary: cannot open \(results)/.lock: \(hint)\n")
        let below = try await run(canaries, results: results + "/sub")
        #expect(below.status == 2)
        #expect(below.stderr == "canary: cannot create folder \(results)/sub: \(hint)\n")
        let after = try await ResultsAudit.of(results)
        #expect(after.runLines == before.runLines && after.unreadable.isEmpty, "\(after.unreadable)")
    }

    @Test("a results folder the user may not write is an error naming it, exit 2 (run as nobody)")
    func noPermission() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            print("skipped: as root every folder is writable; this test drops to nobody with setpriv, which needs root")
            return
        }
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = try writeCanaries(in: folder, count: 1)
        let results = folder + "/locked"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        chmod(folder, 0o755)
        chmod(results, 0o555)
        let hint = "Permission denied; check the folder's owner and permissions, or pass --results with a writable folder"
        for (target, message) in [(results, "cannot open \(results)/.lock"), (results + "/sub", "cannot create folder \(results)/sub")] {
            let output = try await CLI.run(
                ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary, "run", canaries, "--results", target, "-q"]
                    + TestServers.varArguments("site"),
                executable: "/usr/bin/setpriv")
            #expect(output.status == 2)
            #expect(output.stderr == "canary: \(message): \(hint)\n")
        }
    }

    @Test("a full disk is an error naming the file and saying no space, exit 2; earlier records stay whole; a run after freeing space works")
    func fullDisk() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canaries = try writeCanaries(in: folder, count: 10)
        let results = folder + "/r"
        guard let disk = TmpfsMount.mount(at: results, options: "size=1m,mode=0755") else { return }
        defer { disk.unmount() }
        // --keep 2 bounds what the folder holds, so freeing the filler leaves room for a run.
        let keep = ["--keep", "2"]
        for _ in 0..<2 { #expect(try await run(canaries, results: results, extra: keep).status == 0) }
        var previous = try await ResultsAudit.of(results)
        #expect(previous.runLines.count == 20 && previous.unreadable.isEmpty)

        var failedRuns = 0
        // From no room at all to about what a run needs (pruning --keep 2 frees some as it goes):
        // the disk fills at different files of the run.
        for leftover in [0, 1_000, 4_096, 9_000, 14_000, 20_000] {
            try disk.fill(leaving: leftover)
            let output = try await run(canaries, results: results, extra: keep)
            let audit = try await ResultsAudit.of(results)
            #expect(audit.unreadable.isEmpty, "with \(leftover) bytes free: \(audit.unreadable)")
            #expect(Array(audit.runLines.prefix(previous.runLines.count)) == previous.runLines, "earlier lines of the run log changed")
            #expect(output.status == 2 || output.status == 0, "with \(leftover) bytes free: \(output.stderr)")
            if output.status == 2 {
                failedRuns += 1
                #expect(output.stderr.hasPrefix("run: cannot write \(results)/"), "\(output.stderr)")
                #expect(output.stderr.contains(": No space left on device; free space on that disk, or pass --results with a folder on another disk\n"), "\(output.stderr)")
            }
            #expect(try temporaryFiles(in: results).isEmpty, "temp files left after a full disk")
            previous = audit
            disk.free()
        }
        #expect(failedRuns >= 3, "the disk was never full")
        let after = try await run(canaries, results: results, extra: keep)
        #expect(after.status == 0, "after freeing space: \(after.stderr)")
        let final = try await ResultsAudit.of(results)
        #expect(final.runLines.count == previous.runLines.count + 10 && final.unreadable.isEmpty, "\(final.unreadable)")
        let states = try StateFile.load(directory: results)
        #expect(states.count == 10 && states.values.allSatisfy { $0.last?.passed == true })
        print("disk faults: \(failedRuns) runs on a full disk, \(final.runLines.count) records read back, \(final.unreadable.count) unreadable")
    }

    private func temporaryFiles(in folder: String) throws -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { $0.contains(".tmp-") }
    }
}
