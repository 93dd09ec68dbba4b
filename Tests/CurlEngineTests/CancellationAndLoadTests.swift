import CurlEngine
import Foundation
import Testing

@Suite("Cancellation, shutdown and many transfers at once")
struct CancellationAndLoadTests {
    @Test("cancelling the task aborts a slow transfer promptly with .cancelled")
    func cancelInFlight() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(url: try TestServers.httpbin("/delay/4"))
            let task = Task { await failure(engine, request) }
            try await Task.sleep(for: .milliseconds(100))
            var error: TransferError?
            let elapsed = await seconds {
                task.cancel()
                error = await task.value
            }
            #expect(error?.kind == .cancelled)
            #expect(elapsed < 0.3)
        }
    }

    @Test("a task cancelled before it performs never starts the transfer")
    func cancelBeforeStart() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(url: try TestServers.nginx("/hello.txt"))
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await failure(engine, request)
            }
            #expect(await task.value?.kind == .cancelled)
        }
    }

    @Test("shutdown fails in-flight transfers, is idempotent, and refuses new ones")
    func shutdown() async throws {
        let engine = try CurlEngine()
        let request = HTTPRequest(url: try TestServers.httpbin("/delay/4"))
        let task = Task { await failure(engine, request) }
        try await Task.sleep(for: .milliseconds(100))
        engine.shutdown()
        engine.shutdown()
        #expect(await task.value?.kind == .cancelled)
        #expect(await failure(engine, request)?.kind == .cancelled)
    }

    @Test("500 concurrent transfers all succeed")
    func fiveHundredConcurrent() async throws {
        try await withEngine { engine in
            let url = try TestServers.nginx("/status.json")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<500 {
                    group.addTask { try await fetch(engine, HTTPRequest(url: url)).statusCode }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 500)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }
}
