@testable import CanaryKit
import Foundation
import Testing

/// state.json: what survives between `canary run` invocations, and what a broken file does.
@Suite("alarm state file")
struct AlarmStateFileTests {
    private func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("canary-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    @Test("no state.json yet means no states")
    func missing() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try StateFile.load(directory: directory).isEmpty)
    }

    @Test("a saved state loads back with outcomes, state, counters, last run and tags")
    func roundTrip() throws {
        let directory = try folder() + "/new/results"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let state = CanaryState(
            recent: [false, true], state: .alarm, since: "2026-11-22T14:28:41Z", runsPassed: 7, runsFailed: 2,
            last: AlarmTestRuns.run(passed: true), tags: ["team": "payments"])
        try StateFile.save(["checkout": state], directory: directory)
        let loaded = try #require(try StateFile.load(directory: directory)["checkout"])
        #expect(loaded.recent == [false, true])
        #expect(loaded.state == .alarm)
        #expect(loaded.since == "2026-11-22T14:28:41Z")
        #expect(loaded.runsPassed == 7 && loaded.runsFailed == 2)
        #expect(loaded.last?.runId == "20261122T142841Z-3f9a")
        #expect(loaded.tags == ["team": "payments"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("many canaries are saved one per line and load back line by line; the older pretty layout still loads")
    func layouts() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var states: [String: CanaryState] = [:]
        for name in ["a", "b\"q", "c,\n"] {
            states[name] = CanaryState(recent: [true], state: .ok, runsPassed: 1, last: AlarmTestRuns.run(passed: true, canary: name), tags: ["k": "v"])
        }
        try StateFile.save(states, directory: directory)
        let text = try String(contentsOfFile: directory + "/state.json", encoding: .utf8)
        #expect(text.split(separator: "\n").count == 5, "\(text)")
        let loaded = try StateFile.load(directory: directory)
        #expect(Set(loaded.keys) == Set(states.keys))
        #expect(loaded["c,\n"]?.last?.canary == "c,\n")

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(states).write(to: URL(fileURLWithPath: directory + "/state.json"))
        #expect(Set(try StateFile.load(directory: directory).keys) == Set(states.keys))
    }

    @Test("a state loaded without its last run decoded saves back byte for byte, and reads the run when asked")
    func lastKeptAsRead() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var states: [String: CanaryState] = [:]
        for name in ["a", "b\"q\\", "ç \u{1F600}"] {
            var run = AlarmTestRuns.run(passed: false, canary: name)
            run.error = "line\nbreak \"quoted\" \u{7}"
            states[name] = CanaryState(recent: [false], state: .alarm, runsFailed: 1, last: run, tags: ["k": "v"])
        }
        states["never"] = CanaryState(recent: [], state: .insufficientData)
        try StateFile.save(states, directory: directory)
        let written = try Data(contentsOf: URL(fileURLWithPath: directory + "/state.json"))
        let loaded = try StateFile.load(directory: directory)
        #expect(loaded["a"]?.lastRun?.json != nil, "kept as read")
        #expect(loaded["b\"q\\"]?.last?.error == "line\nbreak \"quoted\" \u{7}")
        #expect(loaded["ç \u{1F600}"]?.last?.canary == "ç \u{1F600}")
        #expect(loaded["never"]?.last == nil)
        try StateFile.save(loaded, directory: directory)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/state.json")) == written)
        // Other encoders get the record itself.
        let reencoded = try JSONDecoder().decode([String: CanaryState].self, from: JSONEncoder().encode(loaded))
        #expect(reencoded["a"]?.last?.runId == "20261122T142841Z-3f9a")
    }

    @Test("a last run that is JSON but not a record leaves the state without one; one that is not JSON is an error")
    func lastNotARecord() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "{\n\"a\": {\"state\":\"OK\",\"last\":{\"canary\":7},\"tags\":{}}\n}\n".write(
            toFile: directory + "/state.json", atomically: true, encoding: .utf8)
        let loaded = try #require(try StateFile.load(directory: directory)["a"])
        #expect(loaded.state == .ok && loaded.last == nil)
        try "{\n\"a\": {\"state\":\"OK\",\"last\":{\"canary\":tru},\"tags\":{}}\n}\n".write(
            toFile: directory + "/state.json", atomically: true, encoding: .utf8)
        let error = #expect(throws: StateFileError.self) { try StateFile.load(directory: directory) }
        #expect(error?.description.contains("is not valid JSON") == true)
    }

    @Test("the state line scanner accepts JSON and nothing else", arguments: [
        (#"{"a": [1, -2.5e+3, 0, true, false, null, "x\u00e9\n"], "b": {}}"#, true),
        (#"{"a": 01}"#, false), (#"{"a": 1.}"#, false), (#"{"a": [1,]}"#, false), (#"{"a": "\x"}"#, false),
        ("{\"a\": \"tab\tin\"}", false), (#"{"a" 1}"#, false), (#"{"a": nul}"#, false), (#"{"a": 1} x"#, false),
        (String(repeating: "[", count: 300) + String(repeating: "]", count: 300), false),
    ])
    func scanner(text: String, valid: Bool) {
        var scan = JSONScan(Array(text.utf8))
        let ok = scan.value()
        scan.skipSpace()
        #expect((ok && scan.atEnd) == valid, "\(text)")
    }

    @Test("a state with keys missing (older or hand-edited file) loads with defaults")
    func missingKeys() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{"checkout": {"state": "ALARM", "runsFailed": 3}}"#.write(toFile: directory + "/state.json", atomically: true, encoding: .utf8)
        let loaded = try #require(try StateFile.load(directory: directory)["checkout"])
        #expect(loaded.state == .alarm)
        #expect(loaded.runsFailed == 3 && loaded.runsPassed == 0)
        #expect(loaded.recent.isEmpty)
    }

    @Test("a corrupt state.json is an error naming the file and the fix, not a crash", arguments: [
        ("{\"checkout\": {\"recent\": [tru", "is not valid JSON"),
        ("", "is not valid JSON"),
        ("[1, 2, 3]", "does not hold canary states"),
        (#"{"checkout": {"state": "RED"}}"#, "does not hold canary states (at checkout.state"),
    ])
    func corrupt(text: String, problem: String) throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try text.write(toFile: directory + "/state.json", atomically: true, encoding: .utf8)
        let error = #expect(throws: StateFileError.self) { try StateFile.load(directory: directory) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(directory + "/state.json " + problem))
        #expect(message.contains("move it aside to start fresh"))
    }

    @Test("an unreadable state.json is an error too")
    func unreadable() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A folder where the file should be: unreadable as a file even for root.
        try FileManager.default.createDirectory(atPath: directory + "/state.json", withIntermediateDirectories: true)
        let error = #expect(throws: StateFileError.self) { try StateFile.load(directory: directory) }
        #expect(error?.description.contains("cannot be read") == true)
    }
}
