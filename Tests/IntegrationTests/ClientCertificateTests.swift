import CanaryKit
import Foundation
import Testing

/// `clientCertificate` against nginx with `ssl_verify_client on` (CANARY_TEST_NGINX_TLS_CLIENT_CERT),
/// which answers 400 to a client without a certificate from the test CA and echoes the
/// certificate's subject at /whoami. The test CA made `client.pem`, its key in the clear
/// (`client.key`) and encrypted with the password `client-secret` (`client-encrypted.key`).
@Suite("clientCertificate: a TLS client certificate, its key and the key's password")
struct ClientCertificateTests {
    static var server: String { TestServers.value("CANARY_TEST_NGINX_TLS_CLIENT_CERT") }
    static var certs: String { TestServers.value("CANARY_TEST_CERTS") }
    static let wrongPassword = "Wr0ngKeyPassQ7"

    static func step(_ client: String) -> String {
        #"{request: {url: "\#(server)/whoami"\#(client.isEmpty ? "" : ", clientCertificate: " + client)}, expect: {status: 200}}"#
    }

    @Test("with the certificate the server accepts the request; without it, nginx's 400 fails the status check")
    func passesWithCertificate() async throws {
        let clear = #"{cert: "\#(Self.certs)/client.pem", key: "\#(Self.certs)/client.key"}"#
        let passing = try #require(await CanaryHarness().runStep(Self.step(clear)))
        #expect(passing.record.passed, "\(passing.record.steps.map { ($0.error ?? "") + $0.failures.map(\.message).joined() })")
        #expect(passing.record.steps[0].request?.clientCertificate == ClientCertificateRecord(cert: Self.certs + "/client.pem", key: Self.certs + "/client.key"))

        let without = try #require(await CanaryHarness().runStep(Self.step("")))
        #expect(passing.exchanges.first.map { String(decoding: $0.response?.body ?? [], as: UTF8.self) } == "CN=canary client\n")
        #expect(without.record.steps[0].failures.map(\.message) == ["status: expected 200, got 400"])
    }

    @Test("an encrypted key opens with its password from {{secret.X}}; in defaults too, a step's own wins")
    func passwordFromSecret() async throws {
        let encrypted = #"{cert: "\#(Self.certs)/client.pem", key: "\#(Self.certs)/client-encrypted.key", password: "{{secret.KEY_PASSWORD}}"}"#
        var harness = CanaryHarness()
        harness.environment["KEY_PASSWORD"] = "client-secret"
        let canary = #"{name: "t", defaults: {clientCertificate: \#(encrypted)}, steps: ["#
            + #"{name: "default", request: {url: "\#(Self.server)/whoami"}, expect: {body: "CN=canary client\n"}},"#
            + #"{name: "own", request: {url: "\#(Self.server)/whoami", clientCertificate: {cert: "\#(Self.certs)/client.pem", key: "\#(Self.certs)/client.key"}}, expect: {status: 200}}]}"#
        let result = try #require(await harness.run(canary))
        #expect(result.record.passed, "\(result.record.steps.map { ($0.error ?? "") + $0.failures.map(\.message).joined() })")
        #expect(result.record.steps.map { $0.request?.clientCertificate?.key } == [Self.certs + "/client-encrypted.key", Self.certs + "/client.key"])
        #expect(result.secrets.contains("client-secret"))
    }

    @Test("a wrong password (or none for an encrypted key) fails as the canary's own certificate, never naming the password")
    func wrongPassword() async throws {
        let key = Self.certs + "/client-encrypted.key"
        let files = "cert \(Self.certs)/client.pem, key \(key)"
        let rows: [(password: String, hint: String)] = [
            (#", password: "\#(Self.wrongPassword)""#, "check the 'password' of the key, and that the key belongs to the certificate"),
            ("", "check that the files are PEM and that the key belongs to the certificate (an encrypted key needs a 'password')"),
        ]
        for row in rows {
            let client = #"{cert: "\#(Self.certs)/client.pem", key: "\#(key)"\#(row.password)}"#
            let result = try #require(await CanaryHarness().runStep(Self.step(client)))
            let step = result.record.steps[0]
            #expect(step.errorKind == "invalidRequest")
            #expect(step.error == "the canary's client certificate could not be used (\(files)): \(row.hint) "
                    + "(libcurl: unable to set private key file: '\(key)' type PEM)")
            #expect(!(step.error ?? "").contains(Self.wrongPassword))
        }
    }

    @Test("a later step with the same certificate but another key or a wrong password never passes on an earlier step's connection")
    func noReuseAcrossKeys() async throws {
        let cert = Self.certs + "/client.pem"
        let encrypted = Self.certs + "/client-encrypted.key"
        // Each row: the first step's certificate (it connects), then the second's (it must fail
        // with its own key's error, not reuse the first's connection); a third step with the
        // first's certificate again passes (its connection may be reused).
        let rows: [(first: String, second: String)] = [
            (#"{cert: "\#(cert)", key: "\#(encrypted)", password: "client-secret"}"#, #"{cert: "\#(cert)", key: "\#(encrypted)", password: "\#(Self.wrongPassword)"}"#),
            (#"{cert: "\#(cert)", key: "\#(Self.certs)/client.key"}"#, #"{cert: "\#(cert)", key: "\#(encrypted)"}"#),
        ]
        for row in rows {
            let step = { (name: String, client: String) in
                #"{name: "\#(name)", request: {url: "\#(Self.server)/whoami", clientCertificate: \#(client)}, expect: {status: 200}, continueOnFailure: true}"#
            }
            let canary = #"{name: "t", steps: ["# + [step("first", row.first), step("second", row.second), step("again", row.first)].joined(separator: ",") + "]}"
            let result = try #require(await CanaryHarness().run(canary))
            let steps = result.record.steps
            #expect(steps.map(\.outcome) == [.passed, .failed, .passed], "\(row.second): \(steps.map { ($0.error ?? "") + $0.failures.map(\.message).joined() })")
            #expect(steps[1].errorKind == "invalidRequest", "\(row.second)")
            #expect((steps[1].error ?? "").contains("unable to set private key file"), "\(steps[1].error ?? "")")
        }
    }

    @Test("the record, the HAR and -v show the certificate's paths, and no output holds the password")
    func recordedWithoutPassword() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The certificate's files sit beside the canary file: relative paths are read from there.
        for name in ["client.pem", "client-encrypted.key"] {
            try FileManager.default.copyItem(atPath: Self.certs + "/" + name, toPath: folder + "/" + name)
        }
        try #"""
            {name: "mtls", steps: [
              {name: "good", request: {url: "\#(Self.server)/whoami",
                clientCertificate: {cert: "client.pem", key: "client-encrypted.key", password: "{{secret.KEY_PASSWORD}}"}}, continueOnFailure: true},
              {name: "wrong", request: {url: "\#(Self.server)/whoami?fresh",
                clientCertificate: {cert: "client.pem", key: "./client-encrypted.key", password: "\#(Self.wrongPassword)"}}},
            ]}
            """#.write(toFile: folder + "/mtls.json", atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", folder + "/mtls.json", "--results", folder + "/r", "-v", "--cacert", TestServers.caFile],
                                    environment: ["KEY_PASSWORD": "client-secret"])
        #expect(run.stdout.contains("  * client certificate \(folder)/client.pem (key \(folder)/client-encrypted.key)"), "\(run.stdout)")
        let har = try await CLI.run(["show", "mtls", "--format", "har", "--results", folder + "/r"])
        #expect(har.stdout.contains(#""_clientCertificate": "\#(folder)/client.pem""#), "\(har.stdout.prefix(3000))")
        let record = try RunLogFiles.text(folder + "/r")
        #expect(record.contains(#""clientCertificate":{"cert":"\#(folder)/client.pem","key":"\#(folder)/client-encrypted.key"}"#), "\(record)")
        var outputs = [run.stdout + run.stderr, har.stdout, record]
        let enumerator = FileManager.default.enumerator(atPath: folder + "/r")
        while let path = enumerator?.nextObject() as? String {
            outputs.append(String(decoding: FileManager.default.contents(atPath: folder + "/r/" + path) ?? Data(), as: UTF8.self))
        }
        for (index, text) in outputs.enumerated() {
            #expect(!text.contains("client-secret") && !text.contains(Self.wrongPassword), "output \(index) holds a password")
        }
    }
}
