import Foundation
import Testing

/// Issue 25 item 9: a child process (the --on-alarm program, the browser) gets a minimal
/// environment and no descriptor of canary's beyond stdin, stdout and stderr.
@Suite("security: what child processes receive")
struct SecurityChildTests {
    @Test("the --on-alarm program sees PATH, HOME, LANG, TZ and --pass-env names only, and descriptors 0-2 only")
    func onAlarmChild() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let program = folder + "/program"
        try """
            #!/usr/bin/python3
            import os, sys
            sys.stdin.read()
            fds = sorted(int(name) for name in os.listdir("/proc/self/fd"))
            with open("\(folder)/seen", "w") as out:
                out.write(" ".join(sorted(os.environ)) + "\\n" + " ".join(map(str, fds)) + "\\n")
            """.write(toFile: program, atomically: true, encoding: .utf8)
        chmod(program, 0o755)
        try #"{name: "x", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 500}}]}"#
            .write(toFile: folder + "/x.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(
            ["run", folder + "/x.json", "--results", folder + "/r", "--on-alarm", program, "--pass-env", "CANARY_PASSED", "-q"]
                + TestServers.varArguments,
            environment: ["OTHER_TOKEN": "leak-me", "CANARY_PASSED": "yes", "LANG": "C.UTF-8", "TZ": "UTC"])
        #expect(output.status == 1, "\(output.stderr)")
        let seen = try String(contentsOfFile: folder + "/seen", encoding: .utf8).split(separator: "\n")
        let names = Set(seen[0].split(separator: " ").map(String.init))
        // Python itself may add LC_CTYPE (PEP 538).
        #expect(names.isSubset(of: ["PATH", "HOME", "LANG", "TZ", "CANARY_PASSED", "LC_CTYPE"]), "\(names.sorted())")
        #expect(names.isSuperset(of: ["PATH", "CANARY_PASSED", "LANG", "TZ"]), "\(names.sorted())")
        // 0-2, and the one listdir opened to read /proc/self/fd.
        let fds = seen[1].split(separator: " ").compactMap { Int($0) }
        #expect(fds.count == 4 && fds.prefix(3) == [0, 1, 2], "descriptors in the child: \(fds)")
    }

    @Test("--pass-env rejects a name that is not an environment variable name")
    func passEnvName() async throws {
        let output = try await CLI.run(["run", "x.json", "--pass-env", "A=B"])
        #expect(output.status == 2 && output.stderr.contains("--pass-env"), "\(output.stderr)")
    }
}
