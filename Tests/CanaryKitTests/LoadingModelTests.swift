import Foundation
import Testing
@testable import CanaryKit

/// The example of spec section 1, with every key.
let specExample = """
{
  "name": "checkout",              // optional; default: file name without .json
  "description": "Log in and read the cart",
  "schedule": "rate(1 minute)",
  "timeout": "30s",
  "retries": 1,
  "tags": {"team": "payments", "tier": 1},
  "variables": {"base": "http://127.0.0.1:8080", "port": 8080, "debug": false},
  "defaults": {"headers": {"User-Agent": "canary"}, "timeout": "10s", "followRedirects": true, "maxRedirects": 5, "insecure": false},
  "alarm": {"evaluationPeriods": 3, "datapointsToAlarm": 2},
  "steps": [
    {
      "name": "login",
      "request": {
        "method": "post",
        "url": "{{base}}/post",
        "query": {"q": "a b", "page": 2},
        "headers": {"Authorization": "Bearer {{secret.API_TOKEN}}"},
        "json": {"user": "{{env.CANARY_USER}}", "n": [1, "{{ base }}"]},
        "timeout": "5s",
        "followRedirects": true,
        "maxRedirects": 3,
        "insecure": false
      },
      "expect": {
        "status": 200,
        "headers": {"Content-Type": {"contains": "json"}},
        "body": {"contains": "ok", "notContains": "error"},
        "json": {"$.json.user": {"exists": true}, "$.items": {"length": {"gte": 1}}},
        "duration": {"lt": "800ms"},
        "timings": {"connect": {"lt": "50ms"}, "firstByte": {"lt": 300}},
        "size": {"lt": 1048576},
        "redirects": {"lte": 2},
        "certificate": {"expiresIn": {"gt": "14d"}}
      },
      "capture": {
        "token": {"json": "$.json.user"},
        "sid": {"header": "Set-Cookie", "regex": "sid=([^;]+)"},
        "page": {"body": true},
        "code": {"status": true}
      },
      "continueOnFailure": true
    },
    {
      "request": {"url": "{{base}}/cart/{{token}}", "form": {"sid": "{{sid}}", "n": 1}},
      "expect": {"status": [200, 201], "json": {"$.items[*]": [1, 2], "$['a b'][0]": {"type": "array", "in": [[], [1]]}}}
    },
    {
      "name": "raw",
      "request": {"method": "DELETE", "url": "https://example.com/x", "body": "code={{code}}"},
      "expect": {"status": {"gte": 200, "lt": 300}, "body": "done", "json": {"$.a": {"eq": {"b": 1}, "matches": "^x", "type": "object", "ne": null}}}
    }
  ]
}
"""

@Suite("Loading the model")
struct LoadingModelTests {
    @Test("every key of the spec's example decodes into the model")
    func specExampleTopLevel() throws {
        let (loaded, problems) = loadCanary(specExample)
        #expect(problems.isEmpty, "\(problems)")
        let canary = try #require(loaded)
        #expect(canary.name == "checkout")
        #expect(canary.file == "canaries/checkout.json")
        #expect(canary.description == "Log in and read the cart")
        #expect(canary.schedule == .rate(.seconds(60), source: "rate(1 minute)"))
        #expect(canary.timeout == .seconds(30))
        #expect(canary.retries == 1)
        #expect(canary.tags.map(\.key) == ["team", "tier"])
        #expect(canary.tags.map(\.value) == ["payments", "1"])
        #expect(canary.variables == ["base": "http://127.0.0.1:8080", "port": "8080", "debug": "false"])
        #expect(canary.defaults == RequestDefaults(
            headers: [(name: "User-Agent", value: .literal("canary"))], timeout: .seconds(10),
            followRedirects: true, maxRedirects: 5, insecure: false))
        #expect(canary.alarm == AlarmRule(evaluationPeriods: 3, datapointsToAlarm: 2))
        #expect(canary.steps.map(\.name) == ["login", "step-2", "raw"])
    }

    @Test("a request decodes with method upper-cased, templates parsed and settings kept")
    func request() throws {
        let step = try #require(loadCanary(specExample).0?.steps.first)
        let request = try #require(step.request)
        #expect(request.method == "POST")
        #expect(request.url == Template(source: "{{base}}/post", parts: [.variable("base"), .literal("/post")]))
        #expect(request.query.map(\.name) == ["q", "page"])
        #expect(request.query.map(\.value) == [.literal("a b"), .literal("2")])
        #expect(request.headers.first?.value.parts == [.literal("Bearer "), .secret("API_TOKEN")])
        guard case .json(let body)? = request.body else { Issue.record("expected a json body"); return }
        #expect(body == .object([("user", .string("{{env.CANARY_USER}}")), ("n", .array([.number(1), .string("{{ base }}")]))]))
        #expect(request.timeout == .seconds(5))
        #expect(request.followRedirects == true)
        #expect(request.maxRedirects == 3)
        #expect(request.insecure == false)
        #expect(step.continueOnFailure)
        #expect(step.location?.line == 12)
    }

    @Test("expect entries become assertions in the order written, durations in milliseconds")
    func assertions() throws {
        let step = try #require(loadCanary(specExample).0?.steps.first)
        let queries: [Query] = [
            .status, .header("Content-Type"), .body, .json(try JSONPath.parse("$.json.user")),
            .json(try JSONPath.parse("$.items")), .duration, .timing(.connect), .timing(.firstByte), .size,
            .redirects, .certificate(.expiresIn),
        ]
        let predicates: [[CanaryKit.Predicate]] = [
            [.equals(.number(200))],
            [.contains(.string("json"))],
            [.contains(.string("ok")), .notContains(.string("error"))],
            [.exists(true)],
            [.length([.greaterThanOrEqual(.number(1))])],
            [.lessThan(.number(800))],
            [.lessThan(.number(50))],
            [.lessThan(.number(300))],
            [.lessThan(.number(1_048_576))],
            [.lessThanOrEqual(.number(2))],
            [.greaterThan(.number(14 * 86_400_000))],
        ]
        #expect(step.assertions.map(\.query) == queries)
        #expect(step.assertions.map(\.predicates) == predicates)
        #expect(step.assertions.allSatisfy { $0.location != nil })
        #expect(step.assertions.first?.location == SourceLocation(file: "canaries/checkout.json", line: 26, column: 9))
    }

    @Test("captures decode each source and the regex")
    func captures() throws {
        let step = try #require(loadCanary(specExample).0?.steps.first)
        #expect(step.captures == [
            Capture(name: "token", source: .json(try JSONPath.parse("$.json.user"))),
            Capture(name: "sid", source: .header("Set-Cookie"), regex: "sid=([^;]+)"),
            Capture(name: "page", source: .body),
            Capture(name: "code", source: .status),
        ])
    }

    @Test("later steps: default name, form body, status list is 'in', bare array elsewhere is 'eq', raw body")
    func laterSteps() throws {
        let steps = try #require(loadCanary(specExample).0?.steps)
        guard case .form(let form)? = steps[1].request?.body else { Issue.record("expected a form"); return }
        #expect(form.map { $0.name } == ["sid", "n"])
        #expect(form.map { $0.value } == [Template(source: "{{sid}}", parts: [.variable("sid")]), .literal("1")])
        #expect(steps[1].assertions[0].predicates == [.isIn([.number(200), .number(201)])])
        #expect(steps[1].assertions[1].predicates == [.equals(.array([.number(1), .number(2)]))])
        #expect(steps[1].assertions[2].predicates == [.type("array"), .isIn([.array([]), .array([.number(1)])])])
        guard case .raw(let raw)? = steps[2].request?.body else { Issue.record("expected a raw body"); return }
        #expect(raw.parts == [.literal("code="), .variable("code")])
        let raws: [[CanaryKit.Predicate]] = [
            [.greaterThanOrEqual(.number(200)), .lessThan(.number(300))],
            [.equals(.string("done"))],
            [.equals(.object([("b", .number(1))])), .matches("^x"), .type("object"), .notEquals(.null)],
        ]
        #expect(steps[2].assertions.map(\.predicates) == raws)
    }

    @Test("defaults: name from the file, GET, 60 s timeout, no retries, alarm 1 of 1")
    func defaults() throws {
        let (loaded, problems) = loadCanary("{steps: [{request: {url: 'http://x'}}]}", file: "dir/my-check.json")
        #expect(problems.isEmpty)
        let canary = try #require(loaded)
        #expect(canary.name == "my-check")
        #expect(canary.timeout == .seconds(60))
        #expect(canary.retries == 0)
        #expect(canary.schedule == nil)
        #expect(canary.alarm == AlarmRule())
        #expect(canary.steps[0].name == "step-1")
        #expect(canary.steps[0].request?.method == "GET")
        #expect(canary.steps[0].request?.body == nil)
        #expect(canary.steps[0].continueOnFailure == false)
    }

    @Test("the example canaries of the repository all load")
    func repositoryExamples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = CanaryLoader.load(paths: [root.appendingPathComponent("canaries").path], definedVariables: [])
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.canaries.map(\.name) == ["api-login", "browser-login", "json-api", "network-probes", "regions[eu]", "regions[us]", "resilience", "static-site", "tls-certificate"])
    }
}
