import Foundation
import Testing

/// Issue 25 items 1 and 2: a results folder another user can write is refused, no symlink in it
/// is ever followed, and what canary writes is private by default.
@Suite("security: the results folder can't be turned against its owner")
struct SecurityResultsFolderTests {
    private static let setpriv = "/usr/bin/setpriv"
    private static var canRunAsNobody: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv) }

    /// Runs `script` with /bin/sh as user nobody.
    private func asNobody(_ script: String) async throws {
        let output = try await CLI.run(["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", script], executable: Self.setpriv)
        #expect(output.status == 0, "\(script): \(output.stderr)")
    }

    /// Every path under `folder` with its type, mode and content: what "nothing changed" compares.
    private func inventory(_ folder: String) -> [String] {
        var lines: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let path = enumerator?.nextObject() as? String {
            var status = stat()
            lstat(folder + "/" + path, &status)
            let content = FileManager.default.contents(atPath: folder + "/" + path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            lines.append("\(path) \(String(status.st_mode, radix: 8)) \(status.st_uid) \(content)")
        }
        return lines.sorted()
    }

    @Test("symlinks planted by nobody in a folder nobody owns make a root run touch nothing outside it")
    func symlinkAttack() async throws {
        guard Self.canRunAsNobody else {
            print("skipped: planting the links as nobody needs root and setpriv")
            return
        }
        let base = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        chmod(base, 0o755)
        let victim = base + "/victim", shared = base + "/shared"
        try FileManager.default.createDirectory(atPath: victim + "/dir", withIntermediateDirectories: true)
        try "original\n".write(toFile: victim + "/file.txt", atomically: true, encoding: .utf8)
        for index in 0..<3 { try "keep\n".write(toFile: victim + "/dir/2020010\(index)T000000Z-000\(index)", atomically: true, encoding: .utf8) }
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chown(shared, 65534, 65534)
        try await asNobody("""
            cd \(shared) && ln -s \(victim)/file.txt runs.jsonl && ln -s \(victim)/dir runs && ln -s \(victim)/dir exchanges && ln -s \(victim)/file.txt events.jsonl \
            && ln -s \(victim)/lock-created .lock && ln -s \(victim)/dir c && ln -s \(victim)/metrics metrics.prom
            """)
        try #"{name: "c", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 500}}]}"#
            .write(toFile: base + "/c.json", atomically: true, encoding: .utf8)
        let before = inventory(victim)

        let refused = try await CLI.run(["run", base + "/c.json", "--results", shared, "--keep", "1", "-q"] + TestServers.varArguments)
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("chown") && refused.stderr.contains("--allow-shared-results"), "\(refused.stderr)")
        #expect(inventory(victim) == before, "the refused run changed files outside the results folder")

        let allowed = try await CLI.run(["run", base + "/c.json", "--results", shared, "--keep", "1", "-q", "--allow-shared-results"] + TestServers.varArguments)
        #expect(allowed.status == 2, "a planted link is refused even when sharing is allowed: \(allowed.stdout)\(allowed.stderr)")
        #expect(inventory(victim) == before, "following a planted link changed files outside the results folder")
    }

    @Test("prune removes only run folders it recognises, never through a link")
    func pruneKeepsLinks() async throws {
        let base = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let victim = base + "/victim"
        try FileManager.default.createDirectory(atPath: victim + "/20200101T000000Z-0000", withIntermediateDirectories: true)
        try "keep\n".write(toFile: victim + "/20200101T000000Z-0000/run.json", atomically: true, encoding: .utf8)
        try #"{name: "p", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: base + "/p.json", atomically: true, encoding: .utf8)
        _ = try await CLI.run(["run", base + "/p.json", "--results", base + "/r", "-q", "--artifacts", "all"] + TestServers.varArguments)
        try FileManager.default.createSymbolicLink(atPath: base + "/r/p/20100101T000000Z-0000", withDestinationPath: victim + "/20200101T000000Z-0000")
        try "mine\n".write(toFile: base + "/r/p/notes.txt", atomically: true, encoding: .utf8)
        let before = inventory(victim)
        for _ in 0..<2 {
            let output = try await CLI.run(["run", base + "/p.json", "--results", base + "/r", "--keep", "1", "-q", "--artifacts", "all"] + TestServers.varArguments)
            #expect(output.status == 0, "\(output.stderr)")
        }
        #expect(inventory(victim) == before)
        let names = try FileManager.default.contentsOfDirectory(atPath: base + "/r/p").sorted()
        #expect(names.contains("notes.txt") && names.filter { $0.hasPrefix("2026") || $0.hasPrefix("2027") }.count == 1, "\(names)")
    }

    @Test("results are private by default (files 0600, folders 0700, the lock too); --results-mode 0640 shares them with the group")
    func modes() async throws {
        let base = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try #"{name: "m", steps: [{name: "s", request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: base + "/m.json", atomically: true, encoding: .utf8)
        for (flag, file, folder) in [([String](), 0o600, 0o700), (["--results-mode", "0640"], 0o640, 0o750)] {
            let results = base + "/r\(file)"
            let output = try await CLI.run(["run", base + "/m.json", "--results", results, "-q", "--artifacts", "all"] + flag + TestServers.varArguments)
            #expect(output.status == 0, "\(output.stderr)")
            func mode(_ path: String) -> Int {
                var status = stat()
                return stat(results + "/" + path, &status) == 0 ? Int(status.st_mode & 0o777) : -1
            }
            let run = try FileManager.default.contentsOfDirectory(atPath: results + "/m")[0]
            let segment = try FileManager.default.contentsOfDirectory(atPath: results + "/exchanges")[0]
            let runSegment = try FileManager.default.contentsOfDirectory(atPath: results + "/runs")[0]
            for path in ["runs/" + runSegment, "state.json", "m/\(run)/run.json", "m/\(run)/run.har", "m/\(run)/01-s.http", ".lock", "exchanges/" + segment] {
                #expect(mode(path) == file, "\(path): \(String(mode(path), radix: 8)), expected \(String(file, radix: 8))")
            }
            for path in ["", "m", "m/\(run)", "exchanges", "runs"] {
                #expect(mode(path) == folder, "\(path): \(String(mode(path), radix: 8)), expected \(String(folder, radix: 8))")
            }
            #expect(mode("metrics.prom") == 0o644, "metrics.prom holds no response data and stays readable for node_exporter")
        }
    }
}
