import Foundation
import Testing

/// Paths from flags, as a new user types them: one letter, relative, unwritable, not a file.
@Suite("canary command line: paths")
struct CommandLinePathTests {
    /// A folder holding `c.json` (a canary that passes against the test nginx) as the working directory.
    private func scratch() throws -> String {
        let folder = try makeTemporaryDirectory()
        try #"{name: "c", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        return folder
    }

    @Test("one-letter relative paths work: run --results r --junit j, then report -o o")
    func oneLetter() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try await CLI.run(["run", "c.json", "--results", "r", "--junit", "j"] + TestServers.varArguments, currentDirectory: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(RunLogFiles.exists(folder + "/r"))
        #expect(FileManager.default.fileExists(atPath: folder + "/r/metrics.prom"))
        #expect(FileManager.default.fileExists(atPath: folder + "/j"))
        let report = try await CLI.run(["report", "--results", "r", "-o", "o"], currentDirectory: folder)
        #expect(report.status == 0, "\(report.stdout)\(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/o"))
    }

    @Test("schedule --results r starts, runs and stops on SIGTERM with exit 0")
    func scheduleOneLetter() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "s", schedule: "rate(1 minute)", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#
            .write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["schedule", "c.json", "--results", "r"] + TestServers.varArguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited = try launch(process)
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, process.isRunning, !RunLogFiles.exists(folder + "/r") {
            try await Task.sleep(for: .milliseconds(100))
        }
        // One SIGTERM right after the first run was lost once (the daemon's stop raced its loop's
        // start; the scheduler's business, not this test's): ask again each second, at most 10 times.
        for _ in 0..<10 where process.isRunning {
            process.terminate()
            try await Task.sleep(for: .seconds(1))
        }
        await exited.value
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(RunLogFiles.exists(folder + "/r"))
    }

    @Test("an unwritable --junit, or one that is a folder, is exit 2 naming it before anything runs", arguments: [
        "/sys/canary-junit.xml", "FOLDER", "c.json/j.xml",
    ])
    func unwritableJUnit(target: String) async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = target == "FOLDER" ? folder : target
        let output = try await CLI.run(["run", "c.json", "--results", "r", "--junit", path] + TestServers.varArguments, currentDirectory: folder)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains(path) && output.stderr.contains("--junit"), "\(output.stderr)")
        #expect(!RunLogFiles.exists(folder + "/r"), "a canary ran")
    }

    @Test("report -o into an unwritable place is exit 2 naming it")
    func unwritableReport() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["report", "--results", folder, "-o", "/sys/canary-report.html"], currentDirectory: folder)
        #expect(output.status == 2)
        #expect(output.stderr.contains("/sys/canary-report.html") && output.stderr.contains("-o"), "\(output.stderr)")
    }

    @Test("--junit reports/junit.xml creates reports/, and --junit - writes the XML to stdout")
    func junitTargets() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let nested = try await CLI.run(["run", "c.json", "--results", "r", "--junit", "reports/junit.xml"] + TestServers.varArguments, currentDirectory: folder)
        #expect(nested.status == 0, "\(nested.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/reports/junit.xml"))
        let stdout = try await CLI.run(["run", "c.json", "--results", "r", "--junit", "-"] + TestServers.varArguments, currentDirectory: folder)
        #expect(stdout.status == 0, "\(stdout.stderr)")
        #expect(stdout.stdout.hasPrefix("<?xml") && stdout.stdout.hasSuffix("</testsuites>\n"), "\(stdout.stdout)")
        #expect(stdout.stderr.contains("✓ c"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/-"))
    }

    @Test("a results path that is a file is exit 2 naming it and the fix")
    func resultsIsAFile() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try await CLI.run(["run", "c.json", "--results", "c.json"] + TestServers.varArguments, currentDirectory: folder)
        #expect(output.status == 2)
        #expect(output.stderr.contains("c.json: it exists and is not a folder") && output.stderr.contains("pass --results with a folder"), "\(output.stderr)")
    }

    @Test("a canary path that is a FIFO or a socket is exit 2 naming it, without hanging", arguments: ["fifo", "socket"])
    func notAFile(kind: String) async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/odd.json"
        if kind == "fifo" {
            #expect(mkfifo(path, 0o644) == 0)
        } else {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
        }
        for arguments in [["run", path, "c.json", "--results", "r"], ["validate", path]] {
            let output = try await CLI.run(arguments + TestServers.varArguments, currentDirectory: folder)
            #expect(output.status == 2, "\(arguments): \(output.stdout)\(output.stderr)")
            let shown = output.stdout + output.stderr
            #expect(shown.contains(path) && shown.contains(kind == "fifo" ? "FIFO" : "socket"), "\(shown)")
        }
        // Inside a folder it is not a *.json file to read: the folder's real canary runs.
        let inFolder = try await CLI.run(["run", folder, "--results", folder + "/r"] + TestServers.varArguments)
        #expect(inFolder.status == 0, "\(inFolder.stdout)\(inFolder.stderr)")
    }
}
