import Testing
@testable import CanaryKit

/// Issue 22, item 10: a canary's folder sits beside the results folder's own files, so a canary
/// may not be named like one of them (or start with '.', as the lock and partial folders do).
@Suite("Loading: names the results folder keeps for itself")
struct ReservedNameTests {
    @Test("a canary named like a results file, or starting with '.', is refused with the reason", arguments: [
        "state.json", "metrics.prom", "events.jsonl", "runs.jsonl", "runs", "exchanges", "outbox.jsonl", "state.log-offset", "summaries.bin", ".lock", ".partial-x", "metrics.prom.tmp-1-2", ".hidden",
    ])
    func reserved(_ name: String) throws {
        let problems = loadProblems("{name: \"\(name)\", steps: [{request: {url: \"http://127.0.0.1:1/\"}}]}")
        #expect(problems.count == 1, "\(problems)")
        let message = try #require(problems.first?.message)
        #expect(message.contains("'\(name)'") && message.contains("results folder"), "\(message)")
    }

    @Test("a canary file named like a results file is refused too, and points at \"name\"")
    func reservedFromFileName() throws {
        let problems = loadProblems("{steps: [{request: {url: \"http://127.0.0.1:1/\"}}]}", file: "canaries/metrics.prom")
        #expect(problems.first?.message.contains("set \"name\"") == true, "\(problems)")
    }

    @Test("'.' and '..' are refused for what they mean in a path, not for their characters", arguments: [".", ".."])
    func dots(_ name: String) throws {
        let problems = loadProblems("{name: \"\(name)\", steps: [{request: {url: \"http://127.0.0.1:1/\"}}]}")
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.message.contains("folder") == true && problems.first?.message.contains("may only use") == false, "\(problems)")
    }

    @Test("names that only resemble them still load", arguments: ["state", "state-json", "metrics.prometheus", "my.runs.jsonl"])
    func allowed(_ name: String) {
        let (canary, problems) = loadCanary("{name: \"\(name)\", steps: [{request: {url: \"http://127.0.0.1:1/\"}}]}")
        #expect(problems.isEmpty, "\(problems)")
        #expect(canary?.name == name)
    }
}
