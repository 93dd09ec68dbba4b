import Testing
@testable import CanaryKit

/// A page's DevTools events are outside bytes: whatever a hostile page makes Chromium report
/// (wrong types, missing fields, floods) is folded in without a crash and within bounds.
@Suite("PageEvents: a browser step's events from a hostile page")
struct PageEventsTests {
    static let methods = [
        "Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded", "Page.javascriptDialogOpening", "Page.loadEventFired",
        "Network.requestWillBeSent", "Network.responseReceived", "Network.loadingFinished", "Network.loadingFailed", "Inspector.targetCrashed",
    ]
    static let odd: [JSONValue] = [
        .null, .bool(true), .number(-1e308), .string(String(repeating: "x", count: 100_000)), .array([.null]),
        .object([("requestId", .number(1)), ("request", .string("no")), ("args", .object([])), ("type", .array([]))]),
        .object([("requestId", .string("r")), ("request", .object([("url", .number(3)), ("headers", .array([]))])),
                 ("response", .object([("status", .string("200")), ("headers", .null)])), ("exceptionDetails", .number(0))]),
    ]

    @Test("events of the wrong shape are ignored or read as far as they go")
    func wrongShapes() {
        let events = PageEvents()
        var dismissed = 0
        for method in Self.methods {
            for params in Self.odd { events.record(method, params) { dismissed += 1 } }
        }
        let state = events.snapshot
        #expect(dismissed == Self.odd.count, "every dialog event is answered, whatever it holds")
        #expect(state.dialogCount == Self.odd.count)
        #expect(state.console.allSatisfy { $0.text.count <= 1000 })
    }

    @Test("a flood of console lines, requests and dialogs keeps only the first of each")
    func flood() {
        let events = PageEvents()
        for index in 0..<5000 {
            events.record("Runtime.consoleAPICalled", .object([("type", .string("error")), ("args", .array([.object([("value", .string("e\(index)"))])]))])) {}
            events.record("Network.requestWillBeSent", .object([("requestId", .string("r\(index)")), ("request", .object([("url", .string("http://x/\(index)"))]))])) {}
            events.record("Page.javascriptDialogOpening", .object([("type", .string("alert")), ("message", .string("again"))])) {}
        }
        let state = events.snapshot
        #expect(state.console.count == PageEvents.limit && state.consoleErrors == 5000)
        #expect(state.requests.count == PageEvents.limit && state.inFlight.count == 5000)
        #expect(state.dialogs.count == 20 && state.dialogCount == 5000)
    }

    @Test("a failed request and a 4xx or 5xx count as failed; a cancelled one and Chromium's own favicon do not")
    func failedRequests() {
        let events = PageEvents()
        func request(_ id: String, _ url: String, type: String = "Fetch") {
            events.record("Network.requestWillBeSent", .object([("requestId", .string(id)), ("type", .string(type)), ("request", .object([("url", .string(url)), ("method", .string("GET"))]))])) {}
        }
        request("1", "http://x/a"); request("2", "http://x/b"); request("3", "http://x/c"); request("4", "http://x/favicon.ico", type: "Other")
        events.record("Network.loadingFailed", .object([("requestId", .string("1")), ("errorText", .string("net::ERR_CONNECTION_REFUSED"))])) {}
        events.record("Network.responseReceived", .object([("requestId", .string("2")), ("response", .object([("status", .number(503))]))])) {}
        events.record("Network.loadingFailed", .object([("requestId", .string("3")), ("canceled", .bool(true))])) {}
        events.record("Network.responseReceived", .object([("requestId", .string("4")), ("response", .object([("status", .number(404))]))])) {}
        #expect(events.failedRequests == ["GET http://x/a: net::ERR_CONNECTION_REFUSED", "GET http://x/b: 503"])
    }
}
