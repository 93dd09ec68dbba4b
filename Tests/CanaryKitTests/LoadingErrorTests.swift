import Testing
@testable import CanaryKit

/// One bad step and the problem it must produce: where, in which step, and what the message says.
struct StepErrorCase: Sendable, CustomTestStringConvertible {
    var step: String
    /// The text the problem must point at (its first occurrence in the step).
    var at: String
    var stepName: String?
    var message: String
    init(_ step: String, at: String, step stepName: String? = "s", _ message: String) {
        self.step = step
        self.at = at
        self.stepName = stepName
        self.message = message
    }
    var testDescription: String { message }
}

/// "line:column" of the first occurrence of `needle` in `text`, counted in characters.
func place(of needle: String, in text: String) -> String {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if let range = line.range(of: needle) {
            return "\(index + 1):\(line.distance(from: line.startIndex, to: range.lowerBound) + 1)"
        }
    }
    return "not found"
}

private let stepErrors: [StepErrorCase] = [
    StepErrorCase("{name: 's', request: {url: '{{base}}', timout: '5s'}}", at: "timout", "unknown key 'timout' in 'request'; did you mean 'timeout'?"),
    StepErrorCase("{name: 's', reqest: {url: '{{base}}'}}", at: "reqest", "unknown key 'reqest' in the step; did you mean 'request'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', timeout: 5}}", at: "5}}", "expected a duration string like \"5s\" for the request 'timeout', found number 5; write the unit: \"5ms\" or \"5s\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}', timeout: '5 sec'}}", at: "'5 sec'", "'5 sec' is not a duration"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', timeout: '0s'}}", at: "'0s'", "must be greater than zero"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', method: 'GE T'}}", at: "'GE T'", "'GE T' is not an HTTP method"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', json: {}, body: 'x'}}", at: "body", "use only one of 'json', 'body' and 'form' (found 'json' and 'body')"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', maxRedirects: -1}}", at: "-1", "'maxRedirects' must be from 0 to 100, found -1"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', insecure: 'yes'}}", at: "'yes'", "expected true or false for 'insecure', found string \"yes\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}', headers: {'Bad Name': 'x'}}}", at: "'Bad Name'", "'Bad Name' is not a valid header name"),
    StepErrorCase("{name: 's', request: {method: 'GET'}}", at: "{method", "the request has no 'url'"),
    StepErrorCase("{name: 's', request: {url: 'ftp://x'}}", at: "'ftp://x'", "must start with http:// or https://"),
    StepErrorCase("{name: 's', request: {url: '{{base'}}", at: "'{{base'", "'{{' is never closed with '}}'"),
    StepErrorCase("{name: 's', request: {url: '{{ }}'}}", at: "'{{ }}'", "empty placeholder"),
    StepErrorCase("{name: 's', request: {url: '{{base}}/{{sekret.X}}'}}", at: "'{{base}}/", "unknown prefix 'sekret.' in {{sekret.X}} (did you mean 'secret'?)"),
    StepErrorCase("{name: 's'}", at: "{name", "the step has no 'request'"),
    StepErrorCase("{name: 'a\\u0007b', request: {url: '{{base}}'}}", at: "'a\\u0007b'", step: "a\\u0007b", "step name 'a\\u0007b' holds U+0007 (a control character), which is not printable"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, continueOnFailure: 1}", at: "1}", "expected true or false for 'continueOnFailure'"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {staus: 200}}", at: "staus", "unknown key 'staus' in 'expect'; did you mean 'status'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: '200'}}", at: "'200'", "expected a status code such as 200 for status, found string \"200\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: {gte: 200.5}}}", at: "200.5", "expected a status code such as 200"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: {gt: 100, lesser: 5}}}", at: "lesser", "unknown predicate 'lesser' for status"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: {gte: 200, lt: 300, lte: 250, lt: 299}}}", at: "lt: 299", "predicate 'lt' appears twice"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: {contans: 2}}}", at: "contans", "did you mean 'contains'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: {contains: 2}}}", at: "contains", "'contains' does not apply to status, which is a number"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: {in: 200}}}", at: "200}", "'in' takes an array of values for status, found number 200"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {status: {}}}", at: "{}}", "empty predicate for status"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'$.a': {type: 'strng'}}}}", at: "'strng'", "'strng' is not a JSON type; did you mean 'string'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'$.a': {exists: 'yes'}}}}", at: "'yes'", "expected true or false for 'exists' of json $.a"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'$.a': {length: 'two'}}}}", at: "'two'", "expected a number for the length of json $.a"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'$.a': {lt: true}}}}", at: "true", "expected a number or a string to compare json $.a with"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'$.a': {matches: '(unclosed'}}}}", at: "'(unclosed'", "is not a valid regular expression"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'$.a[': 1}}}", at: "'$.a['", "invalid JSONPath '$.a[' at character 5"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'a.b': 1}}}", at: "'a.b'", "did you mean '$.a.b'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {json: {'$.a': {x: 1}}}}", at: "x: 1", "to compare with an object, write {\"eq\": {…}}"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {duration: {lt: '800'}}}", at: "'800'", "'800' is not a duration"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {duration: {lt: null}}}", at: "null", "expected a duration like \"800ms\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {timings: {conect: {lt: 5}}}}", at: "conect", "unknown key 'conect' in expect 'timings'; did you mean 'connect'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {certificate: {expires: {gt: '1d'}}}}", at: "expires", "did you mean 'expiresIn'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {headers: {'Content-Length': {contains: 10}}}}", at: "10}", "expected a string for header Content-Length (header values and bodies are text), found number 10; write \"10\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {size: {lt: '1MB'}}}", at: "'1MB'", "expected a number for size, found string \"1MB\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, capture: {t: {json: '$.a', header: 'X'}}}", at: "{json", "capture 't' takes exactly one of"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, capture: {t: {regex: 'x'}}}", at: "{regex", "found none"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, capture: {t: {body: true, regx: 'a'}}}", at: "regx", "did you mean 'regex'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, capture: {t: {body: true, regex: '['}}}", at: "'['", "capture 't' 'regex': '[' is not a valid regular expression"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, capture: {t: {json: '$..'}}}", at: "'$..'", "invalid JSONPath '$..'"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, capture: {'a b': {status: true}}}", at: "'a b'", "capture name 'a b' can't be used as {{a b}}"),
    StepErrorCase("{name: 's', request: {url: 'http://x'}, expect: {certificate: {expiresIn: {gt: '1d'}}}}", at: "expiresIn", "'certificate' needs an https:// URL"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {headers: {'a b': 'x'}}}", at: "'a b'", "'a b' is not a valid header name"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', httpVersion: '3'}}", at: "'3'", "'httpVersion' \"3\" (HTTP/3) needs a libcurl built with HTTP/3 (ngtcp2 or quiche); libcurl/7.88.1 was built without it (curl_version_info lacks HTTP3): use \"2\", or run canary with a libcurl that has HTTP/3 (see the README)"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', httpVersion: '2.0'}}", at: "'2.0'", "unknown 'httpVersion' \"2.0\": use \"1.1\", \"2\", \"2-prior-knowledge\""),
    StepErrorCase("{name: 's', request: {url: 'wss://x.test/socket'}}", at: "'wss:", "the url \"wss://x.test/socket\" is a WebSocket URL: canary sends HTTP requests and has no WebSocket steps, and libcurl/7.88.1 was built without WebSockets (no ws in curl_version_info's protocols); probe the service's HTTP endpoint with http:// or https://"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', resolve: {'api.test': '127.0.0.1'}}}", at: "'api.test'", "'resolve' key 'api.test' is not host:port, as in \"api.example.com:443\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}', resolve: {'api.test:443': 'localhost'}}}", at: "'localhost'", "'resolve' 'api.test:443': 'localhost' is not an IP address (write one such as \"127.0.0.1\" or \"::1\")"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', ipVersion: 5}}", at: "5}", "'ipVersion' is 4 or 6, not 5"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', clientCertificate: {cert: 'certs/missing.pem'}}}", at: "'certs/missing.pem'",
                  "'clientCertificate' 'cert' \"certs/missing.pem\": no such file (\(LocalPath.absolute("canaries/certs/missing.pem"))); paths are relative to the canary file's folder"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', clientCertificate: {cert: '/etc/hostname', key: '/tmp'}}}", at: "'/tmp'",
                  "'clientCertificate' 'key' \"/tmp\" is a folder, not a PEM file (/tmp)"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', clientCertificate: {key: '/etc/hostname'}}}", at: "{key:",
                  "'clientCertificate' has no 'cert'; add \"cert\": \"certs/client.pem\" (a PEM file, relative to the canary file)"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', clientCertificate: {cert: '/etc/hostname', pasword: 'x'}}}", at: "pasword",
                  "unknown key 'pasword' in 'clientCertificate'; did you mean 'password'?"),
    StepErrorCase("{name: 's', request: {url: '{{base}}', unixSocket: 'run/app.sock'}}", at: "'run/app.sock'",
                  "'unixSocket' \"run/app.sock\" is not an absolute path: write the socket's whole path, as \"/run/app.sock\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}', proxy: '127.0.0.1:3128'}}", at: "'127.0.0.1:3128'",
                  "'proxy' \"127.0.0.1:3128\" is not a proxy URL: write \"http://host:port\", \"https://…\", \"socks5h://host:port\" (the name resolved at the proxy) or \"socks5://…\", or \"env\" (HTTPS_PROXY, NO_PROXY… as curl reads them), or \"none\""),
    StepErrorCase("{name: 's', request: {url: '{{base}}', proxy: 'ftp://{{secret.U}}@proxy.test'}}", at: "'ftp:",
                  "'proxy' \"ftp://{{secret.U}}@proxy.test\" is not a proxy URL"),
    StepErrorCase("{request: {url: '{{base}}', timeout: 'x'}}", at: "'x'", step: "step-1", "'x' is not a duration"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {cookies: {session: 'a'}}}", at: "session",
                  "'cookies' checks read cookies, but the canary keeps no cookie jar; add \"cookies\": true to the canary"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, capture: {c: {cookie: 'session'}}}", at: "{name",
                  "capture 'c' reads a cookie, but the canary keeps no cookie jar; add \"cookies\": true to the canary"),
    StepErrorCase("{name: 's', request: {url: '{{base}}'}, expect: {cookies: {'bad name': 'a'}}}", at: "'bad name'",
                  "'bad name' is not a valid cookie name, so no response can set it"),
]

@Suite("Loading errors")
struct LoadingErrorTests {
    @Test("each kind of mistake in a step is reported at file:line:column with canary, step and a fix", arguments: stepErrors)
    func stepError(_ row: StepErrorCase) throws {
        let text = oneStep(row.step)
        let problems = loadProblems(text)
        let problem = try #require(problems.first { $0.message.contains(row.message) }, "\(problems)")
        #expect(problems.count <= 2, "at most one consequence of the mistake: \(problems)")
        #expect("\(problem.location.line):\(problem.location.column)" == place(of: row.at, in: text), "\(problem)")
        #expect(problem.canary == "shop")
        #expect(problem.step == row.stepName)
        let prefix = "canaries/checkout.json:\(place(of: row.at, in: text)): canary 'shop'" + (row.stepName.map { ", step '\($0)'" } ?? "")
        #expect(problem.description.hasPrefix(prefix + ": "), "\(problem.description)")
    }

    @Test("top-level mistakes name the canary but no step", arguments: [
        ("retires: 1,", 3, 3, "unknown key 'retires' in the canary; did you mean 'retries'?"),
        ("retries: 11,", 3, 12, "'retries' must be from 0 to 10, found 11"),
        ("retries: 1.5,", 3, 12, "expected a whole number from 0 to 10 for 'retries', found number 1.5"),
        ("timeout: '-1s',", 3, 12, "'-1s' is not a duration"),
        ("schedule: 'every minute',", 3, 13, "invalid schedule: 'every minute' is not a schedule"),
        ("schedule: 'rate(0 minutes)',", 3, 13, "the rate must be a whole number from 1"),
        ("schedule: 'cron(61 * * * *)',", 3, 13, "minute field '61'"),
        ("tags: ['a'],", 3, 9, "expected an object for 'tags', found an array"),
        ("tags: {team: {a: 1}},", 3, 16, "expected a string for tag 'team', found an object"),
        ("alarm: {evaluationPeriods: 2, datapointsToAlarm: 3},", 3, 33, "'datapointsToAlarm' (3) can't exceed 'evaluationPeriods' (2)"),
        ("alarm: {evaluationPeriods: 0},", 3, 30, "'evaluationPeriods' must be from 1 to 1000, found 0"),
        ("alarm: {evaluationPeriod: 2},", 3, 11, "did you mean 'evaluationPeriods'?"),
        ("defaults: {timeout: '1s', header: {}},", 3, 29, "unknown key 'header' in 'defaults'; did you mean 'headers'?"),
        ("defaults: {maxRedirects: 1000},", 3, 28, "'maxRedirects' must be from 0 to 100"),
        ("description: 5,", 3, 16, "expected a string for 'description', found number 5"),
        ("variables: {'a.b': 'x'},", 3, 15, "variable name 'a.b' can't be used as {{a.b}}"),
    ])
    func topLevelError(extra: String, line: Int, column: Int, message: String) throws {
        let text = "{\n  name: 'shop',\n  \(extra)\n  steps: [{request: {url: 'http://x'}}],\n}"
        let problems = loadProblems(text)
        let problem = try #require(problems.first)
        #expect(problems.count == 1, "\(problems)")
        #expect(problem.location.description == "canaries/checkout.json:\(line):\(column)", "\(problem)")
        #expect(problem.canary == "shop")
        #expect(problem.step == nil)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test("whole-file mistakes", arguments: [
        ("", "canaries/checkout.json:1:1: the document is empty"),
        ("[1]", "canaries/checkout.json:1:1: canary 'checkout': a canary file holds one object"),
        ("{name: 'shop'}", "canaries/checkout.json:1:1: canary 'shop': the canary has no 'steps'"),
        ("{name: 'shop', steps: []}", "canaries/checkout.json:1:23: canary 'shop': 'steps' is empty; a canary needs at least one step"),
        ("{name: 'shop', steps: {}}", "canaries/checkout.json:1:23: canary 'shop': expected an array of steps for 'steps', found an object"),
        ("{name: 'sh\\u0085op', steps: [{request: {url: 'http://x'}}]}", "canaries/checkout.json:1:8: canary 'sh\\u0085op': canary name 'sh\\u0085op' holds U+0085 (a control character)"),
        ("{name: 1, steps: [{request: {url: 'http://x'}}]}", "canaries/checkout.json:1:8: canary 'checkout': expected a string for 'name', found number 1"),
        ("{name: 'a', name: 'b', steps: [{request: {url: 'http://x'}}]}", "canaries/checkout.json:1:13: canary 'a': key 'name' appears twice (first at line 1, column 2)"),
        ("{\"a\": 1 \"b\": 2}", "canaries/checkout.json:1:9: expected ',' or '}' after object member"),
    ])
    func fileError(text: String, prefix: String) throws {
        let problems = loadProblems(text)
        let problem = try #require(problems.first)
        #expect(problem.description.hasPrefix(prefix), "\(problem.description)")
    }

    @Test("a canary name from a file name with a control character is an error at 1:1; spaces are fine")
    func badFileName() throws {
        let problems = loadProblems("{steps: [{request: {url: 'http://x'}}]}", file: "dir/my\u{1B}check.json")
        #expect(problems.map(\.description) == [
            "dir/my\u{1B}check.json:1:1: canary 'my\\u001Bcheck': canary (taken from the file name; set \"name\" to choose another) name 'my\\u001Bcheck' holds U+001B (a control character), which is not printable; write the name with visible characters only",
        ])
        #expect(loadCanary("{steps: [{request: {url: 'http://x'}}]}", file: "dir/my check.json").0?.name == "my check")
    }

    @Test("every message is capped once escaped: 200 NULs (1,200 bytes shown) make a 400-byte excerpt and its size")
    func cappedOnceEscaped() {
        let problem = LoadProblem(location: SourceLocation(file: "x.json", line: 1, column: 1),
                                  message: "key '" + String(repeating: "\u{0}", count: 200) + "' is unknown")
        #expect(problem.message.utf8.count <= LoadProblem.maximumMessageBytes, "\(problem.message.utf8.count) bytes")
        #expect(problem.message.hasPrefix("key '\\u0000\\u0000"))
        #expect(problem.message.hasSuffix("… (1217 bytes)"), "\(problem.message.suffix(40))")
        let short = LoadProblem(location: SourceLocation(file: "x.json", line: 1, column: 1), message: "key '\u{1B}' is unknown")
        #expect(short.message == "key '\\u001B' is unknown")
    }

    @Test("every problem of a file is reported, not only the first, in source order")
    func allProblems() {
        let text = """
        {
          name: "shop",
          retries: 20,
          steps: [
            {name: "a", request: {url: "http://x", timout: "1s"}, expect: {status: "200"}},
            {name: "a", request: {url: "{{nope}}"}},
          ],
          alarm: {evaluationPeriods: 0},
        }
        """
        let problems = loadProblems(text)
        let places = ["20,", "timout", "\"200\"", "name: \"a\", request: {url: \"{{", "\"{{nope}}\"", "0}"].map { place(of: $0, in: text) }
        #expect(problems.map { "\($0.location.line):\($0.location.column)" } == places, "\(problems)")
        #expect(problems.map(\.step) == [nil, "a", "a", "a", "a", nil])
    }
}
