import CanaryKit
import Foundation
import Testing

/// Snapshots, HAR and redaction in what a run leaves on disk (issue 3).
@Suite("run artifacts: snapshots, HAR, truncation, redaction")
struct ArtifactTests {
    private func runFolder(_ results: String, canary: String) throws -> String {
        let runs = try FileManager.default.contentsOfDirectory(atPath: results + "/" + canary).sorted()
        return results + "/" + canary + "/" + (try #require(runs.last))
    }

    @Test("a run over the example canaries writes run.json, a valid run.har and one snapshot per step")
    func examples() async throws {
        let results = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: results) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let output = try await CLI.run(
            ["run", root + "/canaries", "--results", results, "--artifacts", "all", "--cacert", TestServers.caFile] + TestServers.varArguments,
            environment: TestServers.exampleEnvironment)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        for canary in ["api-login", "browser-login", "json-api", "network-probes", "regions[eu]", "regions[us]", "resilience", "static-site", "tls-certificate"] {
            // Folders and snapshots are named by the names' slugs (`regions[eu]` → regions-eu-…).
            let folder = try runFolder(results, canary: ResultsLayout.canaryFolder(canary))
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/run.json"))) as? [String: Any]
            let steps = try #require(record?["steps"] as? [[String: Any]])
            for (index, step) in steps.enumerated() {
                // `.http` for a request, `.tcp`, `.tls` or `.dns` for the other kinds, the page's
                // `.har` for a browser step.
                let kind = step["browser"] != nil ? "har" : ((step["probe"] as? [String: Any])?["kind"] as? String ?? "http")
                let name = Snapshot.baseName(index: index + 1, step: step["name"] as? String ?? "") + "." + kind
                #expect(files.contains(name), "\(canary): no snapshot \(name) in \(files)")
            }
            let har = try Data(contentsOf: URL(fileURLWithPath: folder + "/run.har"))
            // One entry per request: a followed redirect's hops are entries of their own.
            let requests = steps.filter { $0["probe"] == nil && $0["browser"] == nil }.reduce(0) { $0 + 1 + ((($1["response"] as? [String: Any])?["redirects"] as? Int) ?? 0) }
            let problems = HARValidator.problems(har, expectedEntries: requests)
            #expect(problems.isEmpty, "\(canary)/run.har: \(problems)")
        }
    }

    @Test("a 3 MB response gives a snapshot of about 1 MiB marked truncated, and size still sees 3,000,000 bytes")
    func truncation() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "big", steps: [{name: "download", request: {url: "{{site}}/big.txt"}, expect: {size: 3000000}}]}"#
            .write(toFile: folder + "/big.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder + "/big.json", "--results", folder + "/r", "--artifacts", "all"] + TestServers.varArguments)
        #expect(output.status == 0, "\(output.stdout)")
        let run = try runFolder(folder + "/r", canary: "big")
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: run + "/01-download.http"))
        #expect(snapshot.count > 1_048_576 && snapshot.count < 1_060_000, "\(snapshot.count) bytes")
        let text = String(decoding: snapshot, as: UTF8.self)
        #expect(text.contains("[truncated: 3000000 bytes in all, first 1048576 shown]"))
        let har = try Data(contentsOf: URL(fileURLWithPath: run + "/run.har"))
        #expect(har.count < 1_200_000)
        #expect(String(decoding: har, as: UTF8.self).contains("truncated: first 1048576 of 3000000 bytes"))
    }

    @Test("a planted secret in headers, query and JSON body, echoed back by httpbin, appears in no file and no output (see also SecretLeakTests)")
    func plantedSecret() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            {name: "leak", steps: [
              {name: "echo", request: {method: "POST", url: "{{httpbin}}/anything?key={{secret.PLANTED}}",
                headers: {"X-Api-Key": "{{secret.PLANTED}}", Authorization: "Bearer {{secret.PLANTED}}"},
                json: {token: "{{secret.PLANTED}}"}},
               expect: {status: 201, json: {"$.json.token": "nope"}},
               capture: {echoed: {json: "$.headers.X-Api-Key"}}, continueOnFailure: true},
              {name: "again", request: {url: "{{httpbin}}/anything/{{echoed}}"}, expect: {body: {contains: "nope"}}},
            ]}
            """.write(toFile: folder + "/leak.json", atomically: true, encoding: .utf8)
        let planted = "Pl4nted-SeCreT-0xC0FFEE"
        for verbose in [false, true] {
            let output = try await CLI.run(["run", folder + "/leak.json", "--results", folder + "/r"] + (verbose ? ["-v"] : []) + TestServers.varArguments,
                                     environment: ["PLANTED": planted])
            #expect(output.status == 1)
            #expect(!output.stdout.contains(planted) && !output.stderr.contains(planted), "console shows the secret (verbose: \(verbose))")
            if verbose { #expect(output.stdout.contains("***")) }
        }
        let enumerator = FileManager.default.enumerator(atPath: folder + "/r")
        var files = 0
        while let path = enumerator?.nextObject() as? String {
            let data = FileManager.default.contents(atPath: folder + "/r/" + path) ?? Data()
            files += 1
            #expect(!String(decoding: data, as: UTF8.self).contains(planted), "\(path) holds the secret")
        }
        #expect(files >= 8)
    }

    @Test("--keep N prunes the oldest run folders of a canary")
    func keep() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "k", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/k.json", atomically: true, encoding: .utf8)
        for _ in 0..<4 {
            _ = try await CLI.run(["run", folder + "/k.json", "--results", folder + "/r", "--keep", "2", "--artifacts", "all"] + TestServers.varArguments)
        }
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder + "/r/k")
        #expect(runs.count == 2)
        let log = try RunLogFiles.text(folder + "/r")
        #expect(log.split(separator: "\n").count == 4, "the log keeps every run")
    }
}

/// Checks the HAR 1.2 field rules that devtools and HAR viewers rely on.
enum HARValidator {
    static func problems(_ data: Data, expectedEntries: Int) -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let log = root["log"] as? [String: Any] else {
            return ["not a JSON object with a log"]
        }
        var problems: [String] = []
        func need(_ object: [String: Any]?, _ key: String, _ expected: Any.Type, _ at: String) {
            guard let value = object?[key] else { return problems.append("\(at).\(key) missing") }
            let ok: Bool
            switch expected {
            case is String.Type: ok = value is String
            // A JSON 0 or 1 bridges to Bool on Linux: ask for the dynamic type instead.
            case is Double.Type: ok = !(Swift.type(of: value) is Bool.Type) && (value as? Double) != nil
            case is [Any].Type: ok = value is [Any]
            default: ok = value is [String: Any]
            }
            if !ok { problems.append("\(at).\(key) has the wrong type") }
        }
        if log["version"] as? String != "1.2" { problems.append("log.version is not 1.2") }
        need(log, "creator", [String: Any].self, "log")
        need(log["creator"] as? [String: Any], "name", String.self, "log.creator")
        need(log["creator"] as? [String: Any], "version", String.self, "log.creator")
        need(log, "entries", [Any].self, "log")
        let entries = log["entries"] as? [[String: Any]] ?? []
        if entries.count != expectedEntries { problems.append("\(entries.count) entries, expected \(expectedEntries)") }
        for (i, entry) in entries.enumerated() {
            let at = "entries[\(i)]"
            need(entry, "startedDateTime", String.self, at)
            if let started = entry["startedDateTime"] as? String, (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(started)) == nil {
                problems.append("\(at).startedDateTime is not ISO 8601: \(started)")
            }
            need(entry, "time", Double.self, at)
            need(entry, "cache", [String: Any].self, at)
            for (part, keys) in [("request", ["method", "url", "httpVersion"]), ("response", ["statusText", "httpVersion", "redirectURL"])] {
                let object = entry[part] as? [String: Any]
                need(entry, part, [String: Any].self, at)
                for key in keys { need(object, key, String.self, "\(at).\(part)") }
                for key in ["cookies", "headers"] { need(object, key, [Any].self, "\(at).\(part)") }
                for key in ["headersSize", "bodySize"] { need(object, key, Double.self, "\(at).\(part)") }
            }
            need(entry["request"] as? [String: Any], "queryString", [Any].self, "\(at).request")
            need(entry["response"] as? [String: Any], "status", Double.self, "\(at).response")
            let content = (entry["response"] as? [String: Any])?["content"] as? [String: Any]
            need(content, "size", Double.self, "\(at).response.content")
            need(content, "mimeType", String.self, "\(at).response.content")
            let timings = entry["timings"] as? [String: Any]
            var sum = 0.0
            for key in ["send", "wait", "receive"] {
                need(timings, key, Double.self, "\(at).timings")
                sum += (timings?[key] as? Double) ?? 0
            }
            for key in ["blocked", "dns", "connect"] { sum += max(0, (timings?[key] as? Double) ?? 0) }
            if let time = entry["time"] as? Double, abs(time - sum) > 0.01 {
                problems.append("\(at).time \(time) is not the sum of its timings \(sum)")
            }
        }
        return problems
    }
}
