import CurlEngine
import Foundation

/// The real servers started by `scripts/test-servers.sh` (run by `scripts/test`): read from the
/// process environment, else from `.test-servers/env` in this or a parent directory.
enum TestServers {
    struct Missing: Error, CustomStringConvertible {
        let key: String
        var description: String {
            "\(key) is not set and no .test-servers/env was found: run scripts/test (or scripts/test-servers.sh start first)"
        }
    }

    static func value(_ key: String) throws -> String {
        if let value = ProcessInfo.processInfo.environment[key], !value.isEmpty { return value }
        if let value = fileValues[key] { return value }
        throw Missing(key: key)
    }

    static func httpbin(_ path: String) throws -> String { try value("CANARY_TEST_HTTPBIN") + path }
    static func nginx(_ path: String) throws -> String { try value("CANARY_TEST_NGINX") + path }
    static func nginxTLS(_ path: String) throws -> String { try value("CANARY_TEST_NGINX_TLS") + path }
    static func nginxExpiredTLS(_ path: String) throws -> String { try value("CANARY_TEST_NGINX_TLS_EXPIRED") + path }
    static func nginxChainTLS(_ path: String) throws -> String { try value("CANARY_TEST_NGINX_TLS_CHAIN") + path }
    static func caFile() throws -> String { try value("CANARY_TEST_CA") }

    private static let fileValues: [String: String] = {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            let file = directory.appendingPathComponent(".test-servers/env")
            if let text = try? String(contentsOf: file, encoding: .utf8) { return parse(text) }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return [:] }
            directory = parent
        }
    }()

    private static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}

/// Runs `body` with a fresh engine and always shuts it down.
func withEngine<T>(_ body: (CurlEngine) async throws -> T) async throws -> T {
    let engine = try CurlEngine()
    defer { engine.shutdown() }
    return try await body(engine)
}

/// Performs one request in a fresh session of `engine`.
func fetch(_ engine: CurlEngine, _ request: HTTPRequest) async throws(TransferError) -> HTTPResponse {
    let session = engine.makeSession()
    defer { engine.close(session) }
    return try await engine.perform(request, in: session)
}

/// The error a request failed with, or nil if it succeeded.
func failure(_ engine: CurlEngine, _ request: HTTPRequest) async -> TransferError? {
    do {
        _ = try await fetch(engine, request)
        return nil
    } catch {
        return error
    }
}

/// Seconds `body` took.
func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
