import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client for the listener's tests: sends exactly the bytes given (hostile ones too)
/// and reads responses by Content-Length, with a deadline.
final class ListenClient {
    let fd: Int32

    /// Connects to 127.0.0.1:port; nil when the connection is refused.
    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if status != 0 {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    /// Whether every byte went out (false once the server closed).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    private var pending: [UInt8] = []

    /// Bytes until the server closes (or 10 s of silence).
    func readToEnd() -> [UInt8] {
        var all = pending
        pending = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return all }
            all += buffer[0..<count]
        }
    }

    /// One response: status, headers (names lowercased) and body by Content-Length; `head` for HEAD.
    func response(head: Bool = false) -> (status: Int, headers: [String: String], body: String)? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) {
                let lines = String(decoding: pending[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = head ? 0 : Int(headers["content-length"] ?? "0") ?? 0
                while pending.count < end.upperBound + length {
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { return nil }
                    pending += buffer[0..<count]
                }
                let body = String(decoding: pending[end.upperBound..<(end.upperBound + length)], as: UTF8.self)
                pending.removeFirst(end.upperBound + length)
                return (status, headers, body)
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            pending += buffer[0..<count]
        }
    }

    /// GET (or another method) of `path` on a new connection.
    static func get(_ path: String, port: Int, method: String = "GET") -> (status: Int, headers: [String: String], body: String)? {
        guard let client = ListenClient(port: port), client.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") else { return nil }
        return client.response(head: method == "HEAD")
    }
}

/// `canary schedule --listen 127.0.0.1:0` started by a test, and the port it was given.
struct ListeningSchedule {
    let process: Process
    let exited: Task<Void, Never>
    let port: Int

    static func start(_ arguments: [String], folder: String, environment: [String: String] = [:]) async throws -> ListeningSchedule {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["schedule"] + arguments + ["--listen", "127.0.0.1:0", "--results", folder + "/r"] + TestServers.varArguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: folder + "/log", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/log"))
        process.standardError = process.standardOutput
        let exited = try launch(process)
        for _ in 0..<100 {
            let log = (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? ""
            if let range = log.range(of: "listening on http://127.0.0.1:"), let port = Int(log[range.upperBound...].prefix { $0.isNumber }) {
                return ListeningSchedule(process: process, exited: exited, port: port)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        await exited.value
        throw ListenTestError(log: (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? "")
    }

    /// SIGTERM, and the exit status.
    func stop() async -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        await exited.value
        return process.terminationStatus
    }
}

struct ListenTestError: Error, CustomStringConvertible {
    var log: String
    var description: String { "canary schedule --listen did not say where it listens:\n\(log)" }
}
