import CurlEngine
import Foundation
import Testing

@Suite("TLS verification and certificates")
struct TLSTests {
    @Test("https with the test CA verifies and reports the leaf certificate")
    func verifiedWithCA() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(url: try TestServers.nginxTLS("/hello.txt"), caFile: try TestServers.caFile())
            let response = try await fetch(engine, request)
            #expect(response.statusCode == 200)
            #expect(response.httpVersion == "HTTP/2")
            #expect(response.reason == "")
            #expect(response.requestHeaderBlock.hasPrefix("GET /hello.txt HTTP/2\r\n"))
            #expect(response.timings.tls > 0)
            let certificate = try #require(response.certificate)
            let daysLeft = certificate.notAfter.timeIntervalSinceNow / 86_400
            #expect(daysLeft > 14 && daysLeft < 60)
            #expect(certificate.notBefore.map { $0 < Date() } == true)
            #expect(certificate.subject.contains("localhost"))
            #expect(certificate.issuer.contains("canary test CA"))
        }
    }

    @Test("the chain the server sent, leaf first, with SANs, protocol and cipher; a reused connection reports the same")
    func chainAndHandshake() async throws {
        try await withEngine { engine in
            let session = engine.makeSession()
            defer { engine.close(session) }
            let request = HTTPRequest(url: try TestServers.nginxChainTLS("/hello.txt"), caFile: try TestServers.caFile())
            let first = try await engine.perform(request, in: session)
            let tls = try #require(first.tls)
            #expect(tls.chain.map(\.subject) == ["CN = localhost", "CN = canary test intermediate"])
            #expect(tls.chain.map(\.issuer) == ["CN = canary test intermediate", "CN = canary test CA"])
            #expect(tls.leaf?.subjectAltNames == ["localhost", "chain.test", "127.0.0.1"])
            #expect(tls.protocolVersion.hasPrefix("TLSv1."))
            #expect(!tls.cipher.isEmpty && !tls.cipher.contains(" "))
            // The intermediate (10 days) runs out before the leaf (30 days).
            let leafDays = try #require(tls.leaf?.notAfter.timeIntervalSinceNow) / 86_400
            let chainDays = try #require(tls.chainNotAfter?.timeIntervalSinceNow) / 86_400
            #expect(leafDays > 29 && leafDays < 31 && chainDays > 9 && chainDays < 11)
            let second = try await engine.perform(request, in: session)
            #expect(second.newConnections == 0)
            #expect(second.tls == tls)
        }
    }

    @Test("https signed by an unknown CA fails with .certificate")
    func unknownCA() async throws {
        try await withEngine { engine in
            let error = await failure(engine, HTTPRequest(url: try TestServers.nginxTLS("/hello.txt")))
            #expect(error?.kind == .certificate)
            #expect(error?.code == 60)
        }
    }

    @Test("insecure skips verification and still reports the certificate")
    func insecure() async throws {
        try await withEngine { engine in
            let response = try await fetch(engine, HTTPRequest(url: try TestServers.nginxTLS("/hello.txt"), insecure: true))
            #expect(response.statusCode == 200)
            #expect(response.certificate != nil)
        }
    }

    @Test("an expired certificate fails verification, and insecure reports its past expiry")
    func expired() async throws {
        try await withEngine { engine in
            let url = try TestServers.nginxExpiredTLS("/hello.txt")
            let error = await failure(engine, HTTPRequest(url: url, caFile: try TestServers.caFile()))
            #expect(error?.kind == .certificate)
            let response = try await fetch(engine, HTTPRequest(url: url, insecure: true))
            let expiry = try #require(response.certificate?.notAfter)
            #expect(expiry == Date(timeIntervalSince1970: 1_580_515_200))  // 2020-02-01 00:00:00 UTC
        }
    }
}
