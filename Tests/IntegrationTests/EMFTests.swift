import Foundation
import Testing

/// `--emf FILE`: CloudWatch embedded metric format lines, checked against the rules of the EMF
/// specification (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
@Suite("CloudWatch embedded metric format")
struct EMFTests {
    static let units: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
        "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
        "Terabits/Second", "Count/Second", "None",
    ]

    /// The specification's rules for one line; returns what breaks them.
    static func problems(_ line: String) -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return ["not a JSON object"] }
        guard let aws = root["_aws"] as? [String: Any] else { return ["no _aws object"] }
        var problems: [String] = []
        if !(aws["Timestamp"] is NSNumber) || (aws["Timestamp"] as? Double).map({ $0 != $0.rounded() || $0 < 1e12 }) ?? true {
            problems.append("Timestamp is not epoch milliseconds")
        }
        guard let directives = aws["CloudWatchMetrics"] as? [[String: Any]], !directives.isEmpty else { return problems + ["no CloudWatchMetrics"] }
        for directive in directives {
            if ((directive["Namespace"] as? String) ?? "").isEmpty { problems.append("no Namespace") }
            guard let sets = directive["Dimensions"] as? [[String]] else { problems.append("Dimensions is not an array of arrays of strings"); continue }
            for set in sets {
                if set.count > 30 { problems.append("more than 30 dimensions in a set") }
                for key in set where !(root[key] is String) { problems.append("dimension \(key) is not a top-level string") }
            }
            guard let metrics = directive["Metrics"] as? [[String: Any]] else { problems.append("no Metrics"); continue }
            if metrics.count > 100 { problems.append("more than 100 metrics") }
            for metric in metrics {
                guard let name = metric["Name"] as? String, !name.isEmpty, name.count <= 1024 else { problems.append("a metric without a Name"); continue }
                if let unit = metric["Unit"], !Self.units.contains(unit as? String ?? "") { problems.append("\(name): unit \(unit) is not a CloudWatch unit") }
                let value = root[name]
                let numbers = (value as? [Any]) ?? (value.map { [$0] } ?? [])
                // Foundation reads JSON booleans as NSNumber too: look at the text for them.
                let boolean = line.contains("\"\(name)\":true") || line.contains("\"\(name)\":false")
                if numbers.isEmpty || numbers.count > 100 || !numbers.allSatisfy({ $0 is NSNumber }) || boolean {
                    problems.append("metric \(name) has no numeric value at the top level")
                }
            }
        }
        return problems
    }

    @Test("a line per run (CanaryName) and per step (CanaryName, StepName), with Synthetics' names and units, each valid EMF, appended run after run")
    func lines() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"""
            {name: "emf", steps: [
              {name: "ok", request: {url: "{{httpbin}}/status/200"}, continueOnFailure: true},
              {name: "down", request: {url: "{{httpbin}}/status/503"}, continueOnFailure: true},
              {name: "refused", request: {url: "{{closed}}/x"}},
            ]}
            """#.write(toFile: folder + "/c.json", atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let output = try await CLI.run(["run", folder + "/c.json", "--results", folder + "/r", "--emf", folder + "/emf/metrics.log",
                                            "--emf-namespace", "Synthetic Tests"] + TestServers.varArguments("httpbin", "closed"))
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        }
        let lines = try String(contentsOfFile: folder + "/emf/metrics.log", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 8, "a run line and three step lines, twice: \(lines)")
        for line in lines {
            let problems = Self.problems(line)
            #expect(problems.isEmpty, "\(problems): \(line)")
        }
        let run = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let directive = try #require(((run["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(directive["Namespace"] as? String == "Synthetic Tests")
        #expect(directive["Dimensions"] as? [[String]] == [["CanaryName"]] && run["CanaryName"] as? String == "emf")
        #expect(run["SuccessPercent"] as? Double == 0 && run["Failed"] as? Double == 1)
        #expect(run["2xx"] as? Double == 1 && run["5xx"] as? Double == 1 && run["4xx"] as? Double == 0 && run["Failed requests"] as? Double == 1)
        #expect((run["Duration"] as? Double ?? 0) > 0 && (run["TraceId"] as? String)?.count == 32)
        let step = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        let stepDirective = try #require(((step["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(stepDirective["Dimensions"] as? [[String]] == [["CanaryName", "StepName"]] && step["StepName"] as? String == "ok")
        #expect(step["SuccessPercent"] as? Double == 100)
    }

    @Test("the checker refuses what the specification forbids")
    func checkerCatches() {
        #expect(!Self.problems(#"{"CanaryName": "x"}"#).isEmpty)
        #expect(!Self.problems(#"{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "n", "Dimensions": [["Missing"]], "Metrics": [{"Name": "A", "Unit": "Count"}]}]}, "A": 1}"#).isEmpty)
        #expect(!Self.problems(#"{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "n", "Dimensions": [[]], "Metrics": [{"Name": "A", "Unit": "Counts"}]}]}, "A": 1}"#).isEmpty)
        #expect(!Self.problems(#"{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "n", "Dimensions": [[]], "Metrics": [{"Name": "A", "Unit": "Count"}]}]}}"#).isEmpty)
        #expect(!Self.problems(#"{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "n", "Dimensions": [[]], "Metrics": [{"Name": "A", "Unit": "Count"}]}]}, "A":true}"#).isEmpty)
        #expect(Self.problems(#"{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "n", "Dimensions": [["D"]], "Metrics": [{"Name": "A", "Unit": "Count"}]}]}, "D": "d", "A": 1}"#).isEmpty)
    }
}
