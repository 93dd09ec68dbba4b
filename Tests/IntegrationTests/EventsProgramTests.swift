@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// The --on-alarm program: argv without a shell, the event only on stdin, bounded in time.
@Suite("event sinks: on-alarm program")
struct EventsProgramTests {
    private func sinks(_ folder: String, _ argv: [String], timeout: Duration = .seconds(5)) -> EventSinks {
        EventSinks(resultsDirectory: folder, webhooks: [], onAlarm: argv, engine: TestServers.engine, timeout: timeout)
    }

    private var event: AlarmEvent {
        AlarmEvent.stateChange(of: EventsFiles.run(passed: false, runId: "r1"), from: .ok, to: .alarm, reason: "1 of 1", now: Date())
    }

    @Test("the program gets the event JSON on stdin and only its own arguments")
    func stdinOnly() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        let event = self.event
        let warnings = await sinks(folder, ["/bin/sh", "-c", "echo \"$#:$1\" > '\(out)'; cat >> '\(out)'", "sh", "fixed"]).deliver([event])
        #expect(warnings == [])
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "1:fixed")
        #expect(EventsFiles.ids(EventsFiles.jsonLines(out)) == [event.id])
    }

    @Test("a bare program name is found on PATH")
    func pathLookup() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(await sinks(folder, ["true"]).deliver([event]) == [])
    }

    @Test("a program that outlives the timeout is killed and reported, within about the timeout")
    func hangingProgram() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ContinuousClock()
        let started = clock.now
        let warnings = await sinks(folder, ["/bin/sleep", "30"], timeout: .seconds(1)).deliver([event])
        #expect(clock.now - started < .seconds(3))
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("on-alarm /bin/sleep: still running after") == true)
        #expect(warnings.first?.contains("killed (1 attempt); 1 event kept in the outbox") == true)
    }

    @Test("a program (and its children) ignoring SIGTERM is killed a second later")
    func stubbornProgram() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ContinuousClock()
        let started = clock.now
        let warnings = await sinks(folder, ["/bin/sh", "-c", "trap '' TERM; sleep 30; sleep 30"], timeout: .seconds(1)).deliver([event])
        #expect(clock.now - started < .milliseconds(3500))
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("on-alarm /bin/sh: still running after") == true)
    }

    @Test("a failing or missing program is a warning", arguments: [
        (["/bin/sh", "-c", "exit 3"], "on-alarm /bin/sh: exited with status 3 ("),
        (["/no/such/program"], "on-alarm /no/such/program: event "),
        (["no-such-program-on-path"], "on-alarm no-such-program-on-path: event "),
    ])
    func failingProgram(argv: [String], warning: String) async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let warnings = await sinks(folder, argv, timeout: .seconds(1)).deliver([event])
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix(warning) == true)
        // A program that is not there is refused for good, with the reason.
        if argv.first != "/bin/sh" { #expect(warnings.first?.hasSuffix("refused (no such program (give a path, or a name found on PATH)); dropped") == true) }
    }

    @Test("several events run the program once each and are logged in order")
    func onePerEvent() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        let events = (1...3).map {
            AlarmEvent.stateChange(of: EventsFiles.run(passed: $0 != 2, runId: "r\($0)"), from: .ok, to: .alarm, reason: "", now: Date())
        }
        #expect(await sinks(folder, ["/bin/sh", "-c", "cat >> '\(out)'"]).deliver(events) == [])
        #expect(Set(EventsFiles.ids(EventsFiles.jsonLines(out))) == Set(events.map(\.id)))
        #expect(EventsFiles.ids(EventsFiles.jsonLines(folder + "/events.jsonl")) == events.map(\.id))
    }
}
