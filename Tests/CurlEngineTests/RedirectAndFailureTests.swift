import CurlEngine
import Foundation
import Testing

@Suite("Redirects and classified failures")
struct RedirectAndFailureTests {
    @Test("redirects are followed and counted; headers and request block are the final hop's")
    func redirectsCounted() async throws {
        try await withEngine { engine in
            let response = try await fetch(engine, HTTPRequest(url: try TestServers.httpbin("/redirect/3")))
            #expect(response.statusCode == 200)
            #expect(response.redirectCount == 3)
            #expect(response.effectiveURL.hasSuffix("/get"))
            #expect(response.header("Location") == nil)
            #expect(response.requestHeaderBlock.hasPrefix("GET /get HTTP/1.1"))
        }
    }

    @Test("more redirects than maxRedirects fail with tooManyRedirects")
    func tooManyRedirects() async throws {
        try await withEngine { engine in
            let error = await failure(engine, HTTPRequest(url: try TestServers.httpbin("/redirect/20"), maxRedirects: 5))
            #expect(error?.kind == .tooManyRedirects)
            #expect(error?.code == 47)
        }
    }

    @Test("followRedirects false returns the redirect itself")
    func redirectNotFollowed() async throws {
        try await withEngine { engine in
            let response = try await fetch(engine, HTTPRequest(url: try TestServers.httpbin("/redirect/3"), followRedirects: false))
            #expect(response.statusCode == 302)
            #expect(response.reason == "FOUND")
            #expect(response.redirectCount == 0)
            #expect(response.header("Location") != nil)
        }
    }

    @Test("a 1 s timeout against a 4 s delay ends in about 1 s with .timeout")
    func timeout() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(url: try TestServers.httpbin("/delay/4"), timeout: .seconds(1))
            var error: TransferError?
            let elapsed = await seconds { error = await failure(engine, request) }
            #expect(error?.kind == .timeout)
            #expect(error?.code == 28)
            #expect(elapsed >= 0.9 && elapsed < 2.5)
            #expect((error?.timings.total ?? 0) >= 900)
        }
    }

    @Test("a closed port fails with .connectionRefused")
    func connectionRefused() async throws {
        let port = (try? TestServers.value("CANARY_TEST_CLOSED_PORT")) ?? "1"
        try await withEngine { engine in
            let error = await failure(engine, HTTPRequest(url: "http://127.0.0.1:\(port)/"))
            #expect(error?.kind == .connectionRefused)
            #expect(error?.message.contains("Failed to connect") == true)
        }
    }

    /// `.invalid` never resolves, but glibc still asks the configured name server: only run
    /// where that stays on this machine.
    @Test("an unresolvable host fails with .dns", .enabled(if: nameServersAreLocal(), "the resolver would send a query off this machine"))
    func dnsFailure() async throws {
        try await withEngine { engine in
            let error = await failure(engine, HTTPRequest(url: "http://nonexistent.invalid/"))
            #expect(error?.kind == .dns)
        }
    }

    @Test("a body past maxBodyBytes fails with .bodyTooLarge")
    func bodyTooLarge() async throws {
        try await withEngine { engine in
            let error = await failure(engine, HTTPRequest(url: try TestServers.nginx("/big.txt"), maxBodyBytes: 100_000))
            #expect(error?.kind == .bodyTooLarge)
            #expect(error?.message.contains("100000") == true)
            let fits = try await fetch(engine, HTTPRequest(url: try TestServers.nginx("/big.txt")))
            #expect(fits.body.count == 3_000_000)
        }
    }

    @Test("a malformed URL fails with .invalidRequest")
    func invalidURL() async throws {
        try await withEngine { engine in
            let error = await failure(engine, HTTPRequest(url: "http://exa mple.com:notaport/"))
            #expect(error?.kind == .invalidRequest)
            let unsupported = await failure(engine, HTTPRequest(url: "file:///etc/passwd"))
            #expect(unsupported?.kind == .invalidRequest)
        }
    }
}

/// True when every name server in /etc/resolv.conf is a loopback address.
func nameServersAreLocal() -> Bool {
    guard let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) else { return false }
    let servers = text.split(separator: "\n").compactMap { line -> Substring? in
        let words = line.split(separator: " ")
        return words.count >= 2 && words[0] == "nameserver" ? words[1] : nil
    }
    return servers.allSatisfy { $0.hasPrefix("127.") || $0 == "::1" }
}
