import CanaryKit
import Foundation

/// One line per run and per lifecycle event on stdout, as text or JSON (`--log-format`).
struct ScheduleLog: Sendable {
    let json: Bool

    func run(_ record: RunRecord) {
        let text = "run \(ConsoleReport.line(for: record))  \(record.runId)"
        guard json else {
            // ConsoleReport.line is sanitized already, and a run id is digits, letters and '-':
            // one line per run (10,000 a minute), so nothing is built twice.
            return Console.line("\(RunID.iso8601(Date())) \(text)")
        }
        var fields: [(String, JSONValue)] = [
            ("canary", .string(record.canary)), ("passed", .bool(record.passed)),
            ("durationMs", .number(record.durationMs.rounded())), ("runId", .string(record.runId)),
        ]
        if record.isInconclusive { fields.append(("inconclusive", .bool(true))) }
        if let failure = record.firstFailure {
            fields.append(("failure", .string(failure.step.isEmpty ? failure.message : "\(failure.step): \(failure.message)")))
        }
        emit("run", text: text, fields: fields)
    }

    func event(_ name: String, _ text: String, _ fields: [(String, JSONValue)] = []) {
        emit(name, text: "\(name) \(text)", fields: fields + [("message", .string(text))])
    }

    private func emit(_ event: String, text: String, fields: [(String, JSONValue)]) {
        let time = RunID.iso8601(Date())
        if json {
            Console.line(JSON5.serialize(.object([("time", .string(time)), ("event", .string(event))] + fields)))
        } else {
            Console.line("\(time) \(ConsoleReport.sanitize(Substring(text)))")
        }
    }
}
