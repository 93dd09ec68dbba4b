import CurlEngine
import Foundation
import Testing

@Suite("Basic transfers against real servers")
struct BasicTransferTests {
    @Test("a GET returns status, body, headers, timings and connection facts")
    func getReturnsEverything() async throws {
        try await withEngine { engine in
            let url = try TestServers.nginx("/hello.txt")
            let response = try await fetch(engine, HTTPRequest(url: url))
            #expect(response.statusCode == 200)
            #expect(response.reason == "OK")
            #expect(response.httpVersion == "HTTP/1.1")
            #expect(response.text == "ok\n")
            #expect(response.header("content-type") == "text/plain")
            #expect(response.header("Content-Length") == "3")
            #expect(response.effectiveURL == url)
            #expect(response.primaryIP == "127.0.0.1")
            #expect(response.newConnections == 1)
            #expect(response.redirectCount == 0)
            #expect(response.certificate == nil)
            #expect(response.requestHeaderBlock.hasPrefix("GET /hello.txt HTTP/1.1\r\n"))
            let t = response.timings
            #expect(t.total > 0 && t.firstByte > 0 && t.connect > 0)
            #expect(t.tls == 0)
            #expect(t.dns + t.connect <= t.firstByte)
            #expect(t.firstByte + t.transfer <= t.total + 0.001)
        }
    }

    @Test("a POST sends its body, which httpbin echoes")
    func postEchoesBody() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(
                method: "POST", url: try TestServers.httpbin("/post"),
                headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                body: Array(#"{"user":"ada"}"#.utf8))
            let response = try await fetch(engine, request)
            #expect(response.statusCode == 200)
            let json = try response.json()
            #expect(json["data"] as? String == #"{"user":"ada"}"#)
            #expect((json["json"] as? [String: Any])?["user"] as? String == "ada")
        }
    }

    @Test("custom methods are sent as given, with or without a body", arguments: ["PUT", "PATCH", "DELETE"])
    func customMethod(method: String) async throws {
        try await withEngine { engine in
            let request = HTTPRequest(
                method: method, url: try TestServers.httpbin("/anything"),
                headers: [HTTPHeader(name: "Content-Type", value: "text/plain")], body: Array("x=1".utf8))
            let response = try await fetch(engine, request)
            let json = try response.json()
            #expect(json["method"] as? String == method)
            #expect(json["data"] as? String == "x=1")
            #expect(response.requestHeaderBlock.hasPrefix("\(method) /anything HTTP/1.1"))
        }
    }

    @Test("a custom method without a body sends none")
    func customMethodWithoutBody() async throws {
        try await withEngine { engine in
            let response = try await fetch(engine, HTTPRequest(method: "DELETE", url: try TestServers.httpbin("/delete")))
            #expect(response.statusCode == 200)
            #expect(response.requestHeaderBlock.hasPrefix("DELETE /delete HTTP/1.1"))
            #expect(!response.requestHeaderBlock.contains("Content-Length"))
        }
    }

    @Test("HEAD gets headers and no body")
    func head() async throws {
        try await withEngine { engine in
            let response = try await fetch(engine, HTTPRequest(method: "HEAD", url: try TestServers.nginx("/hello.txt")))
            #expect(response.statusCode == 200)
            #expect(response.body.isEmpty)
            #expect(response.header("Content-Length") == "3")
        }
    }

    @Test("request headers are sent, empty values kept, curl defaults removable; response headers received")
    func headers() async throws {
        try await withEngine { engine in
            let request = HTTPRequest(
                url: try TestServers.httpbin("/response-headers?X-Reply=abc"),
                headers: [HTTPHeader(name: "X-Canary", value: "yes"), HTTPHeader(name: "X-Empty", value: "")],
                removedHeaders: ["Accept"])
            let response = try await fetch(engine, request)
            #expect(response.header("X-Reply") == "abc")
            let sent = response.requestHeaderBlock
            #expect(sent.contains("X-Canary: yes\r\n"))
            #expect(sent.contains("X-Empty:"))
            #expect(!sent.contains("Accept: */*"))
            #expect(sent.contains("Accept-Encoding: "))

            let echoed = try await fetch(engine, HTTPRequest(url: try TestServers.httpbin("/headers"), headers: [HTTPHeader(name: "X-Canary", value: "yes")]))
            let headers = try echoed.json()["headers"] as? [String: String]
            #expect(headers?["X-Canary"] == "yes")
        }
    }

    @Test("gzip-encoded bodies are decoded")
    func gzip() async throws {
        try await withEngine { engine in
            let response = try await fetch(engine, HTTPRequest(url: try TestServers.httpbin("/gzip")))
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(try response.json()["gzipped"] as? Bool == true)
        }
    }
}
