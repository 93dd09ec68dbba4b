import CanaryKit
import Foundation
import Testing

/// `unixSocket` against nginx listening on a unix socket (CANARY_TEST_NGINX_SOCKET), whose
/// /via answers "unix socket".
@Suite("unixSocket: a request over a unix socket")
struct UnixSocketTests {
    static var socket: String { TestServers.value("CANARY_TEST_NGINX_SOCKET") }

    @Test("the request goes to the socket whatever the URL's host; the record and -v name the socket")
    func overTheSocket() async throws {
        let result = try #require(await CanaryHarness().runStep(
            #"{request: {url: "http://app.invalid/via", unixSocket: "\#(Self.socket)"}, expect: {status: 200, body: "unix socket\n"}}"#))
        let step = result.record.steps[0]
        #expect(result.record.passed, "\(step.error ?? "") \(step.failures.map(\.message))")
        #expect(step.request?.unixSocket == Self.socket)
        let text = ConsoleReport.verbose(result)
        #expect(text.contains("  * unix socket \(Self.socket)"), "\(text)")
    }

    @Test("a socket nothing listens on fails naming the socket")
    func missingSocket() async throws {
        let missing = Self.socket + ".missing"
        let result = try #require(await CanaryHarness().runStep(#"{request: {url: "http://localhost/via", unixSocket: "\#(missing)"}}"#))
        let step = result.record.steps[0]
        #expect(step.errorKind == "connectionRefused")
        #expect((step.error ?? "").hasPrefix("could not connect to the unix socket \(missing): nothing listens there, or no permission (libcurl: "), "\(step.error ?? "")")
    }
}
