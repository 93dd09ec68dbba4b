import Foundation

/// The run log of a results folder as the tests read it: the `runs.jsonl` an earlier version
/// left, then every run segment (`runs/*.jsonl`), oldest first.
enum RunLogFiles {
    /// The files' paths, in log order.
    static func paths(_ results: String) -> [String] {
        let legacy = results + "/runs.jsonl"
        let segments = ((try? FileManager.default.contentsOfDirectory(atPath: results + "/runs")) ?? [])
            .filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.sorted().map { results + "/runs/" + $0 }
        return (FileManager.default.fileExists(atPath: legacy) ? [legacy] : []) + segments
    }

    /// Whether the folder has a run log (a run segment, begun when a run or schedule opens the
    /// store, or runs.jsonl), as `runs.jsonl` existed once the store was opened.
    static func exists(_ results: String) -> Bool {
        !paths(results).isEmpty
    }

    /// The whole log's text; throws when the folder has no run log at all.
    static func text(_ results: String) throws -> String {
        let paths = paths(results)
        if paths.isEmpty { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: results + "/runs"]) }
        return try paths.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
    }

    /// The newest run segment, where the next record goes.
    static func newest(_ results: String) -> String? {
        paths(results).last { $0.hasPrefix(results + "/runs/") }
    }
}

extension EventsFiles {
    /// Every record of the run log, as JSON objects.
    static func runRecords(_ results: String) -> [[String: Any]] {
        ((try? RunLogFiles.text(results)) ?? "").split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
}
