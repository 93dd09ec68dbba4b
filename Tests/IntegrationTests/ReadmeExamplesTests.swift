import Foundation
import Testing

/// README.md as a tested contract (issue 26.5): every fenced block is extracted; canary files
/// and steps are validated by the real binary and run against the test servers (their example
/// hosts rewritten to them); the cron line, the systemd unit's ExecStart and the Kubernetes Job's
/// command are run as written, with their paths and hosts rewritten. Each block a test does not
/// run is listed with the reason.
@Suite("the README's examples validate and run")
struct ReadmeExamplesTests {
    struct Block {
        var line: Int
        var language: String
        var text: String
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The fenced blocks of README.md, with the line of their opening fence.
    static func blocks() throws -> [Block] {
        let lines = try String(contentsOfFile: root + "/README.md", encoding: .utf8).components(separatedBy: "\n")
        var blocks: [Block] = []
        var open: Block?
        for (index, line) in lines.enumerated() where line.hasPrefix("```") || open != nil {
            if var block = open {
                if line.hasPrefix("```") {
                    blocks.append(block)
                    open = nil
                } else {
                    block.text += line + "\n"
                    open = block
                }
            } else {
                open = Block(line: index + 1, language: String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), text: "")
            }
        }
        return blocks
    }

    /// Blocks no test runs, and why; any other language is a block this suite doesn't know.
    static let notRun: [String: String] = [
        "": "output, a layout or a synopsis, not a command",
        "jsonc": "VS Code settings (README: Editor set-up); no editor runs here, SchemaValidatorTests check the schema they point at",
        "lua": "Neovim settings (README: Editor set-up); no editor runs here, SchemaValidatorTests check the schema they point at",
        "sh": "set-up commands the test command runs its own way: scripts/run-examples and scripts/test (the examples they run are checked by ArtifactTests and ExampleCoverageTests), scripts/package-deb and dpkg -i (scripts/test-package), canary completion and help --man (CompletionTests)",
    ]
    static let runLanguages = ["json5", "json", "cron", "ini", "yaml"]

    @Test("every fenced block of the README is run by this suite or listed with the reason it is not")
    func inventory() throws {
        let blocks = try Self.blocks()
        #expect(blocks.count >= 8, "found \(blocks.count) blocks")
        for block in blocks where !Self.runLanguages.contains(block.language) {
            if let reason = Self.notRun[block.language] {
                print("README.md:\(block.line) ```\(block.language): not run: \(reason)")
            } else {
                Issue.record("README.md:\(block.line): a ```\(block.language) block this suite neither runs nor lists as not run")
            }
        }
    }

    /// Example hosts → the test servers that stand for them.
    static var hosts: [(String, String)] {
        [("https://api.example.com", TestServers.value("CANARY_TEST_NGINX_TLS_HTTPBIN")), ("https://example.com", TestServers.nginxTLS)]
    }

    static let credentials = ["API_TOKEN": "readme-token-5b1e", "CANARY_USER": "readme-user"]

    @Test("each canary file and step in the README is valid, and passes against the test servers")
    func canaryExamples() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let examples = try Self.blocks().filter { $0.language == "json5" || $0.language == "json" }
        #expect(examples.count >= 2)
        for block in examples {
            // A list is a `--maintenance` file: `canary run --maintenance` takes it.
            if block.text.split(separator: "\n").first(where: { !$0.hasPrefix("//") })?.hasPrefix("[") == true {
                let file = folder + "/readme-\(block.line).json5", canary = folder + "/readme-\(block.line)-canary.json"
                try block.text.write(toFile: file, atomically: true, encoding: .utf8)
                try #"{tags: {team: "payments"}, steps: [{request: {url: "\#(TestServers.nginx)/hello.txt"}}]}"#.write(toFile: canary, atomically: true, encoding: .utf8)
                let run = try await CLI.run(["run", canary, "--results", folder + "/r\(block.line)", "--maintenance", file])
                #expect(run.status == 0, "README.md:\(block.line): \(run.stdout)\(run.stderr)")
                continue
            }
            // A block with steps is a canary file; a single step is run as the only step of one.
            var text = block.text.contains("steps:") ? block.text : "{name: \"readme-\(block.line)\", steps: [\(block.text)]}"
            let file = folder + "/readme-\(block.line).json5"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let validate = try await CLI.run(["validate", file], environment: Self.credentials)
            #expect(validate.status == 0 && !validate.stdout.contains("warning"), "README.md:\(block.line): \(validate.stdout)\(validate.stderr)")

            for (example, server) in Self.hosts { text = text.replacingOccurrences(of: example, with: server) }
            if let host = text.firstMatch(of: /https?:\/\/[a-z.]*example[a-z.]*/) {
                print("README.md:\(block.line) ```\(block.language): not run: \(host.output) has no test server standing for it")
                continue
            }
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let run = try await CLI.run(
                ["run", file, "--results", folder + "/r\(block.line)", "--cacert", TestServers.caFile], environment: Self.credentials)
            #expect(run.status == 0, "README.md:\(block.line): \(run.stdout)\(run.stderr)")
        }
    }

    /// The first line of a block of `language` that starts with `prefix` (after spaces), without it.
    static func line(of language: String, startingWith prefix: String) throws -> String {
        let lines = try blocks().filter { $0.language == language }.flatMap { $0.text.split(separator: "\n") }
        let line = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }, "no ```\(language) line \(prefix)")
        return String(line.trimmingCharacters(in: .whitespaces).dropFirst(prefix.count))
    }

    /// A folder of one-step canaries on the local nginx, named so each of 3 shards gets some.
    static func canaryFolder(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for index in 1...9 {
            try #"{name: "c\#(index)", schedule: "rate(1 minute)", steps: [{request: {url: "\#(TestServers.nginx)/hello.txt"}}]}"#
                .write(toFile: path + "/c\(index).json", atomically: true, encoding: .utf8)
        }
    }

    @Test("the cron line runs as written: quiet on success, the alarm event reaches its webhook")
    func cronLine() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command = try Self.line(of: "cron", startingWith: "* * * * * cd /srv/canary && canary ")
        let receiver = try WebhookReceiver(mode: "record", folder: folder)
        defer { receiver.stop() }
        try Self.canaryFolder(folder + "/canaries")
        let arguments = command.split(separator: " ").map(String.init).map { word in
            ["/var/lib/canary": folder + "/results", "https://hooks.example/canary": receiver.url][word] ?? word
        }
        #expect(!arguments.contains { $0.contains("example") }, "an example host left: \(arguments)")
        let output = try await CLI.run(arguments, currentDirectory: folder)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.isEmpty, "-q prints nothing when every canary passed: \(output.stdout)")
        #expect(receiver.received.count == 9, "one INSUFFICIENT_DATA → OK event per canary: \(receiver.received.count)")
    }

    @Test("the systemd unit's ExecStart starts the scheduler and stops on SIGTERM within TimeoutStopSec")
    func systemdUnit() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.canaryFolder(folder + "/canaries")
        let command = try Self.line(of: "ini", startingWith: "ExecStart=")
        let words = command.split(separator: " ").map(String.init)
        #expect(words.first == "/usr/local/bin/canary")
        let replacements = ["/etc/canary/canaries": folder + "/canaries", "/var/lib/canary": folder + "/results", "%H": "readme-host"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = words.dropFirst().map { replacements[$0] ?? $0 }
        _ = FileManager.default.createFile(atPath: folder + "/log", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/log"))
        process.standardError = process.standardOutput
        let exited = try launch(process)
        var log = ""
        for _ in 0..<100 where !log.contains("started") {
            try await Task.sleep(for: .milliseconds(100))
            log = (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? ""
        }
        #expect(log.contains("started 9 canaries"), "\(log)")
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        #expect(process.terminationStatus == 0, "\((try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? "")")
        // The README: TimeoutStopSec is more than --stop-timeout (10s) plus --sink-timeout (5s).
        let stop = try Self.line(of: "ini", startingWith: "TimeoutStopSec=")
        #expect((Int(stop) ?? 0) > 10 + 5, "TimeoutStopSec=\(stop)")
    }

    @Test("the Alertmanager configuration passes amtool check-config")
    func alertmanagerConfiguration() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let block = try #require(try Self.blocks().first { $0.language == "yaml" && $0.text.hasPrefix("route:") })
        try block.text.write(toFile: folder + "/alertmanager.yml", atomically: true, encoding: .utf8)
        let check = try await CLI.run(["check-config", folder + "/alertmanager.yml"], executable: "/usr/bin/amtool")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test("the Kubernetes Job's command, for each completion index, runs its shard; together the three run every canary once")
    func kubernetesJob() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.canaryFolder(folder + "/canaries")
        let binaries = folder + "/bin"
        try FileManager.default.createDirectory(atPath: binaries, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: binaries + "/canary", withDestinationPath: CLI.binary)
        // args: ["canary run /canaries --shard … --results /results -q"] for command ["/bin/sh", "-c"]
        let quoted = try Self.line(of: "yaml", startingWith: "args: [\"")
        var script = String(quoted.dropLast(2))
        script = script.replacingOccurrences(of: " /canaries ", with: " \(folder)/canaries ")
            .replacingOccurrences(of: " /results ", with: " \(folder)/results-$JOB_COMPLETION_INDEX ")
        var ran: [String] = []
        for index in 0..<3 {
            let output = try await CLI.run(
                ["-c", script], environment: ["JOB_COMPLETION_INDEX": String(index), "PATH": binaries + ":/usr/bin:/bin"],
                executable: "/bin/sh")
            #expect(output.status == 0, "index \(index): \(script)\n\(output.stdout)\(output.stderr)")
            let log = (try? RunLogFiles.text(folder + "/results-\(index)")) ?? ""
            for line in log.split(separator: "\n") {
                let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                ran.append(record?["canary"] as? String ?? "?")
                #expect((record?["tags"] as? [String: String])?["location"] == "eu-west-1")
            }
        }
        #expect(ran.sorted() == (1...9).map { "c\($0)" }, "\(ran)")
    }
}
