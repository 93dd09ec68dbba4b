import Testing
@testable import CanaryKit

/// Issue 22, item 10, after issue 14 item 1: a canary's folder sits beside the results folder's
/// own files. Names are free text now and the folder is the name's slug, so a canary named like
/// one of those files (or starting with '.', as the lock and partial folders do) loads, and its
/// folder is never one of them.
@Suite("Loading: names the results folder keeps for itself")
struct ReservedNameTests {
    @Test("a canary named like a results file, or starting with '.', loads; its folder is none of the folder's own", arguments: [
        "state.json", "metrics.prom", "events.jsonl", "runs.jsonl", "runs", "exchanges", "outbox.jsonl", "state.log-offset", "summaries.bin", ".lock", ".partial-x", "metrics.prom.tmp-1-2", ".hidden", ".", "..",
    ])
    func reserved(_ name: String) throws {
        let (canary, problems) = loadCanary("{name: \"\(name)\", steps: [{request: {url: \"http://127.0.0.1:1/\"}}]}")
        #expect(problems.isEmpty, "\(problems)")
        #expect(canary?.name == name)
        let folder = ResultsLayout.canaryFolder(name)
        #expect(NameSlug.isSlug(folder) && ResultsStore.reservedReason(for: folder) == nil, "\(name) → \(folder)")
        #expect(!ResultsStore.ownFiles.contains(folder) && !folder.hasPrefix("."), "\(name) → \(folder)")
    }

    @Test("names that only resemble them keep a readable folder", arguments: ["state", "state-json", "metrics.prometheus", "my.runs.jsonl"])
    func allowed(_ name: String) {
        let (canary, problems) = loadCanary("{name: \"\(name)\", steps: [{request: {url: \"http://127.0.0.1:1/\"}}]}")
        #expect(problems.isEmpty, "\(problems)")
        #expect(canary?.name == name)
        #expect(ResultsLayout.canaryFolder(name).hasPrefix(name.replacingOccurrences(of: ".", with: "-")))
    }
}
