import Foundation
import Testing
@testable import CanaryKit

/// Issue 14 item 5: `canary import curl` reads a command line as bash does and writes a canary
/// file that loads, with credentials as placeholders and never their values.
@Suite("Importing curl commands")
struct ImportCurlTests {
    /// The file text for a command line, after checking that it loads without problems.
    static func imported(_ line: String) throws -> String {
        let canary = try CurlImport.canary(words: try ShellWords.split(line))
        let text = ImportWriter.file(canary, command: "canary import curl", date: "2026-12-02")
        let (loaded, problems) = CanaryLoader.load(source: Array(text.utf8), file: "imported.json5")
        #expect(loaded != nil && problems.isEmpty, "\(problems)\n\(text)")
        return text
    }

    @Test("bash quoting: single, double, $'…', backslash-newline and backslash escapes")
    func shellWords() throws {
        #expect(try ShellWords.split("curl 'a b' \"c \\\"d\\\" $ e\" $'f\\n\\x41\\u00e9\\'' g\\ h \\\n  -i # a comment") == ["curl", "a b", "c \"d\" $ e", "f\nAé'", "g h", "-i"])
        #expect(try ShellWords.split("curl 'https://x' \\\r\n  -H 'a: b'") == ["curl", "https://x", "-H", "a: b"])
    }

    @Test("shell syntax errors name the line and column and the fix", arguments: [
        ("curl 'https://x", "line 1, column 6: this single quote is never closed"),
        ("curl \\\n  -H \"a: b", "line 2, column 6: this double quote is never closed"),
        ("curl https://x; rm -rf /", "line 1, column 15: ';' ends the command"),
        ("curl https://x/$HOME", "line 1, column 16: '$' starts a shell expansion"),
    ])
    func shellErrors(line: String, message: String) {
        #expect(throws: ShellWords.SyntaxError.self) { try ShellWords.split(line) }
        do { _ = try ShellWords.split(line) } catch { #expect(error.description.hasPrefix(message), "\(error)") }
    }

    @Test("Chromium's Copy as cURL (bash): headers, cookies, a JSON body; secrets are placeholders")
    func chromium() throws {
        let text = try Self.imported("""
            curl 'https://api.example.com/v1/orders?api_key=k-7f3a9c2e11&ts=1733130000' \\
              -H 'accept: application/json' \\
              -H 'authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0' \\
              -b 'session=s3cr3t-cookie-value; theme=dark' \\
              -H 'content-type: application/json' \\
              -H 'x-request-id: 0f8fad5b-d9cb-469f-a165-70867728950e' \\
              --data-raw $'{"user":"alice","password":"hunter2-secret"}'
            """)
        for secret in ["k-7f3a9c2e11", "eyJhbGciOiJIUzI1NiJ9", "s3cr3t-cookie-value", "hunter2-secret"] {
            #expect(!text.contains(secret), "the secret \(secret) is in the file")
        }
        #expect(text.contains(#""authorization": "Bearer {{secret.AUTHORIZATION}}""#), "\(text)")
        #expect(text.contains(#""Cookie": "{{secret.COOKIE}}""#) && text.contains("api_key={{secret.API_KEY}}"))
        #expect(text.contains(#""password": "{{secret.PASSWORD}}""#) && text.contains(#"method: "POST""#))
        #expect(text.contains("//   API_KEY: 'api_key' in the URL query of step 'post-orders', percent-encoded"))
        #expect(text.contains("dynamic-looking query 'ts' (a timestamp)") && text.contains("\"x-request-id\": \"0f8fad5b-d9cb-469f-a165-70867728950e\",  // dynamic-looking"))
    }

    @Test("Firefox's Copy as cURL: -X, --compressed, -H 'Cookie: …', a form body")
    func firefox() throws {
        let text = try Self.imported("curl 'https://shop.example.com/login' --compressed -X POST -H 'User-Agent: Mozilla/5.0' -H 'Cookie: sid=abcdef123456' --data-raw 'user=alice&password=pw-123456&csrf_token=x'")
        #expect(text.contains(#"body: "user=alice&password={{secret.PASSWORD}}&csrf_token={{secret.CSRF_TOKEN}}""#), "\(text)")
        #expect(text.contains(#""Content-Type": "application/x-www-form-urlencoded""#) && !text.contains("pw-123456"))
    }

    @Test("hand-typed: -sSL, -XPUT, -u, -k, -G with -d, --json, -F, --url, -m")
    func handTyped() throws {
        var text = try Self.imported("curl -sSLk -XPUT -u alice:pw-9876543 -m 2.5 --url https://x.example/a --json '{\"a\":1}'")
        #expect(text.contains(#"method: "PUT""#) && text.contains("Basic {{secret.BASIC_AUTH}}") && !text.contains("pw-9876543"), "\(text)")
        #expect(text.contains("insecure: true") && !text.contains("followRedirects") && text.contains(#"timeout: "2500ms""#))
        #expect(text.contains("json: {\n") && text.contains(#""Accept": "application/json""#))
        text = try Self.imported("curl -G -d q=a%20b --data-urlencode 'name=a b' https://x.example/search")
        #expect(text.contains(#"url: "https://x.example/search?q=a%20b&name=a%20b""#) && !text.contains("method:") && text.contains("followRedirects: false"), "\(text)")
        text = try Self.imported("curl -F name=alice -F note=hi https://x.example/upload")
        #expect(text.contains("multipart/form-data; boundary=") && text.contains(#"Content-Disposition: form-data; name=\"name\"\r\n\r\nalice"#), "\(text)")
    }

    @Test("what it refuses: the word and the fix", arguments: [
        ("curl --frobnicate https://x", "word 2: curl option '--frobnicate' is not one import knows"),
        ("curl -sZ https://x", "word 2: curl option '-Z' (in '-sZ') is not one import knows"),
        ("curl -H", "word 2: -H needs a value"),
        ("curl -d @body.json https://x", "word 2: --data @body.json reads a file"),
        ("curl -H 'a b' https://x", "word 2: header 'a b' has no ':'"),
        ("curl -H 'X: {{x}}' https://x", "word 2: '{{' in this value would be read as a canary placeholder"),
        ("curl -s", "the curl command has no URL"),
    ])
    func refused(line: String, message: String) throws {
        do {
            _ = try CurlImport.canary(words: try ShellWords.split(line))
            Issue.record("\(line) was imported")
        } catch let error as ImportError {
            #expect(error.description.hasPrefix(message), "\(error)")
        }
    }
}
