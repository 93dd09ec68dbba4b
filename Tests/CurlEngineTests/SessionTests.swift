import CurlEngine
import Foundation
import Testing

@Suite("Sessions scope connection reuse")
struct SessionTests {
    @Test("a second request in one session reuses the connection; a new session does not")
    func reuseWithinSessionOnly() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(url: try TestServers.nginx("/hello.txt"))
            let session = engine.makeSession()
            let first = try await engine.perform(request, in: session)
            let second = try await engine.perform(request, in: session)
            #expect(first.newConnections == 1)
            #expect(second.newConnections == 0)
            #expect(second.timings.connect == 0)
            let other = engine.makeSession()
            let third = try await engine.perform(request, in: other)
            #expect(third.newConnections == 1)
            engine.close(session)
            engine.close(other)
        }
    }

    @Test("a reused https connection still reports the certificate")
    func certificateOnReusedConnection() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(url: try TestServers.nginxTLS("/hello.txt"), caFile: try TestServers.caFile())
            let session = engine.makeSession()
            defer { engine.close(session) }
            let first = try await engine.perform(request, in: session)
            let second = try await engine.perform(request, in: session)
            #expect(second.newConnections == 0)
            #expect(second.timings.tls == 0)
            #expect(second.certificate != nil)
            #expect(second.certificate == first.certificate)
        }
    }

    @Test("a closed session refuses new requests")
    func closedSession() async throws {
        try await withEngine { engine in
            let session = engine.makeSession()
            engine.close(session)
            await #expect(throws: TransferError.self) {
                try await engine.perform(HTTPRequest(url: try TestServers.nginx("/hello.txt")), in: session)
            }
        }
    }
}
