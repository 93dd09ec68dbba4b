import CanaryKit
import Testing

/// One row of the spec table: a one-step canary's step, and the failure message it must give
/// (nil: the step passes).
struct SpecCase: CustomTestStringConvertible, Sendable {
    let step: String
    let message: String?
    init(_ step: String, _ message: String?) {
        self.step = step
        self.message = message
    }
    var testDescription: String { message ?? "passes: \(step)" }
}

/// `status.json` on nginx: {"status":"ok","items":[1,2,3],"service":{"name":"static","version":"1.2.3"}}
private func statusJSON(_ expect: String) -> String {
    "{name: \"s\", request: {url: \"{{site}}/status.json\"}, expect: {\(expect)}}"
}

@Suite("Spec section 1: every predicate against a real server")
struct SpecPredicateTests {
    @Test("each predicate passes when it holds and fails with a precise message when not", arguments: [
        SpecCase(statusJSON(#"json: {"$.status": "ok"}"#), nil),
        SpecCase(statusJSON(#"json: {"$.status": "down"}"#), #"json $.status: expected "down", got "ok""#),
        SpecCase(statusJSON(#"json: {"$.status": {eq: "ok"}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.status": {ne: "ok"}}"#), #"json $.status: expected not "ok", got "ok""#),
        SpecCase(statusJSON(#"json: {"$.items[0]": {lt: 2}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.items[0]": {lt: 1}}"#), "json $.items[0]: expected < 1, got 1"),
        SpecCase(statusJSON(#"json: {"$.items[0]": {lte: 1}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.items[1]": {lte: 1}}"#), "json $.items[1]: expected <= 1, got 2"),
        SpecCase(statusJSON(#"json: {"$.items[-1]": {gt: 2}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.items[-1]": {gt: 3}}"#), "json $.items[-1]: expected > 3, got 3"),
        SpecCase(statusJSON(#"json: {"$.items[-1]": {gte: 3}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.items[-1]": {gte: 4}}"#), "json $.items[-1]: expected >= 4, got 3"),
        SpecCase(statusJSON(#"json: {"$.status": {in: ["ok", "degraded"]}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.status": {in: ["down", "degraded"]}}"#), #"json $.status: expected one of ["down", "degraded"], got "ok""#),
        SpecCase(statusJSON(#"json: {"$.items": {contains: 2}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.items": {contains: 9}}"#), "json $.items: expected contains 9, got [1, 2, 3]"),
        SpecCase(statusJSON(#"json: {"$.service.name": {notContains: "dyn"}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.service.name": {notContains: "stat"}}"#), #"json $.service.name: expected not contains "stat", got "static""#),
        SpecCase(statusJSON(#"json: {"$.service.version": {matches: "^1\\.\\d+"}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.service.version": {matches: "^2\\."}}"#), #"json $.service.version: expected matches /^2\./, got "1.2.3""#),
        SpecCase(statusJSON(#"json: {"$.service": {exists: true}, "$.nothing": {exists: false}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.nothing": {exists: true}}"#), "json $.nothing: expected exists, got nothing (path selected no value)"),
        SpecCase(statusJSON(#"json: {"$.items": {length: 3}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.items": {length: {gt: 3}}}"#), "json $.items: expected length > 3, got length 3"),
        SpecCase(statusJSON(#"json: {"$.service": {type: "object"}, "$.items": {type: "array"}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.status": {type: "number"}}"#), #"json $.status: expected type number, got string "ok""#),
        SpecCase(statusJSON(#"json: {"$.items[0]": {gte: 1, lte: 1, ne: 2}}"#), nil),
        SpecCase(statusJSON(#"json: {"$.status": {lt: 3}}"#), #"json $.status: expected a number to compare with < 3, got string "ok""#),
        SpecCase(statusJSON(#"json: {"$.nothing": {ne: 1}}"#), "json $.nothing: expected not 1, got nothing (path selected no value)"),
    ])
    func predicate(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        let step = result.record.steps[0]
        #expect(step.error == nil, "transfer failed: \(step.error ?? "")")
        #expect(step.failures.first?.message == row.message)
        #expect(result.record.passed == (row.message == nil))
    }

    @Test("JSONPath forms select as the spec lists", arguments: [
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$": {type: "object"}}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$['slideshow']['title']": "Sample Slide Show"}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[*].type": ["all", "all"]}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$..title": {length: 3}}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[-1].title": "Overview"}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[5]": {exists: false}}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[*].nothing": {exists: false}}}}"#, nil),
        SpecCase(#"{request: {url: "{{site}}/hello.txt"}, expect: {json: {"$.a": {exists: true}}}}"#, "json $.a: expected exists, got nothing (the body is not JSON)"),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[?@.title == 'Overview'].type": ["all"]}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[?count(@.items[*]) > 1].title": ["Overview"]}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[0:1].title": {length: 1}}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow['author','title']": ["Yours Truly", "Sample Slide Show"]}}}"#, nil),
        SpecCase(#"{request: {url: "{{httpbin}}/json"}, expect: {json: {"$.slideshow.slides[?match(@.title, 'Wake.*')].type": ["all"]}}}"#, nil),
    ])
    func jsonPath(_ row: SpecCase) async {
        guard let result = await CanaryHarness().runStep(row.step) else { return }
        #expect(result.record.steps[0].failures.first?.message == row.message)
    }
}
