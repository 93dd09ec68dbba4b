@testable import CanaryKit
import CurlEngine
import Foundation
import Testing

/// scripts/webhook-receiver.py on a free loopback port, started by the test and stopped by it.
final class WebhookReceiver {
    let url: String
    let port: Int
    /// One line per POST body received.
    let outfile: String
    private let process: Process

    /// `port` nil: a free one; given: the port of a receiver stopped before, to play the same
    /// webhook coming back.
    init(mode: String, folder: String, port given: Int? = nil) throws {
        let port = try given ?? Self.freePort()
        outfile = folder + "/webhook-\(mode)-\(port).jsonl"
        self.port = port
        url = "http://127.0.0.1:\(port)/hooks/secret-token"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/webhook-receiver.py").path, String(port), outfile, mode]
        let ready = Pipe()
        process.standardOutput = ready
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The script prints one line once it listens; EOF instead means it died.
        let line = String(decoding: ready.fileHandleForReading.availableData, as: UTF8.self)
        guard line.hasPrefix("listening") else {
            stop()
            throw ReceiverError(message: "webhook-receiver.py did not start (printed \(line.debugDescription))")
        }
    }

    struct ReceiverError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The bodies received so far, parsed.
    var received: [[String: Any]] { EventsFiles.jsonLines(outfile) }

    /// SIGKILL, because a child started from a Swift concurrency thread inherits its blocked
    /// SIGTERM (the product's own --on-alarm children don't: see `ProgramChild`).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// Binds port 0 and lets the kernel choose, then releases it for the receiver. The port could
    /// be taken in between, but the kernel hands out ephemeral ports in turn, so that is unlikely.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ReceiverError(message: "socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw ReceiverError(message: "bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Reading the JSON-lines files the sinks and receivers write.
enum EventsFiles {
    static func jsonLines(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// "previous→state" of each alarm event in `events`.
    static func transitions(_ events: [[String: Any]]) -> [String] {
        events.map { event in
            let detail = event["detail"] as? [String: Any] ?? [:]
            return "\(detail["previousState"] as? String ?? "-")→\(detail["state"] as? String ?? "-")"
        }
    }

    static func ids(_ events: [[String: Any]]) -> [String] {
        events.map { $0["id"] as? String ?? "-" }
    }

    /// A run of canary `checkout`, passing or failing at step `login` with a 503.
    static func run(passed: Bool, runId: String) -> RunRecord {
        let failure = AssertionFailure(
            assertion: "status", expected: "200", actual: "503", message: "status: expected 200, got 503")
        let login = StepRecord(
            name: "login", outcome: passed ? .passed : .failed, statusCode: passed ? 200 : 503,
            timings: Timings(total: 12), failures: passed ? [] : [failure], error: nil, errorKind: nil,
            request: nil, response: nil)
        return RunRecord(
            canary: "checkout", runId: runId, start: "2026-11-22T14:28:40.000Z", end: "2026-11-22T14:28:41.000Z",
            durationMs: 1000, passed: passed, attempt: 1, tags: ["team": "payments"],
            error: passed ? nil : failure.message, file: "checkout.json", steps: [login])
    }
}
