import Foundation
import Locking

/// What a page did while a step drove it, collected from its DevTools events on the pipe's
/// reader thread: console lines, page errors, dialogs, refused pop-ups and downloads, and every
/// request (for the HAR, `network.failed` and network idle). Bounded: a hostile page that logs
/// or requests without end keeps only the first `limit` of each.
final class PageEvents: Sendable {
    static let limit = 500

    struct Request: Sendable {
        var id: String
        var url: String
        var method: String
        var type: String
        var started: Date
        var wallStart: Double
        var requestHeaders: [(String, String)] = []
        var status: Int?
        var statusText = ""
        var mimeType = ""
        var protocolName = ""
        var responseHeaders: [(String, String)] = []
        var encodedBytes: Int = 0
        var failure: String?
        var finished: Double?
        var timing: JSONValue?
    }

    struct State {
        var console: [ConsoleLine] = []
        var consoleErrors = 0
        var dialogs: [String] = []
        var dialogCount = 0
        var refused: [String] = []
        var requests: [Request] = []
        var requestIndex: [String: Int] = [:]
        var inFlight: Set<String> = []
        var lastNetworkChange = ContinuousClock.now
        var loads = 0
        var crashed = false
        /// The main document's status, from the last navigation.
        var documentStatus: Int?
        var documentTimestampBase: (monotonic: Double, wall: Double)?
    }

    let state = Locked(State())

    var snapshot: State { state.withLock { $0 } }

    /// Folds one DevTools event of the page in; `dismissDialog` answers a JavaScript dialog.
    func record(_ method: String, _ params: JSONValue, dismissDialog: () -> Void) {
        switch method {
        case "Runtime.consoleAPICalled":
            let type = params["type"]?.stringValue ?? "log"
            let args = params["args"]?.arrayValue ?? []
            let text = args.map(Self.describe).joined(separator: " ")
            if type == "warning", text == "canary: window.open refused" {
                refuse("pop-up (window.open)")
                return
            }
            add(ConsoleLine(level: type == "warning" ? "warning" : type, text: text), error: type == "error" || type == "assert")
        case "Runtime.exceptionThrown":
            let details = params["exceptionDetails"]
            let text = details?["exception"]?["description"]?.stringValue ?? details?["text"]?.stringValue ?? "uncaught exception"
            add(ConsoleLine(level: "pageerror", text: text), error: true)
        case "Log.entryAdded":
            let entry = params["entry"]
            guard entry?["source"]?.stringValue != "network" else { return }  // counted as requests
            if entry?["level"]?.stringValue == "error" {
                add(ConsoleLine(level: "error", text: entry?["text"]?.stringValue ?? ""), error: false)
            }
        case "Page.javascriptDialogOpening":
            // Dismissed at once: a dialog would block the page (and this step) until someone
            // answered it.
            dismissDialog()
            let type = params["type"]?.stringValue ?? "dialog"
            let message = params["message"]?.stringValue ?? ""
            state.withLock { state in
                state.dialogCount += 1
                if state.dialogs.count < 20 { state.dialogs.append("\(type) '\(message.prefix(200))' dismissed") }
            }
        case "Page.loadEventFired":
            state.withLock { $0.loads += 1 }
        case "Page.downloadWillBegin", "Browser.downloadWillBegin":
            refuse("download of \(params["url"]?.stringValue ?? "?")")
        case "Inspector.targetCrashed":
            state.withLock { $0.crashed = true }
        case "Network.requestWillBeSent":
            requestStarted(params)
        case "Network.responseReceived":
            responseReceived(params)
        case "Network.loadingFinished":
            requestEnded(params, failure: nil)
        case "Network.loadingFailed":
            let canceled = params["canceled"]?.boolValue == true
            let reason = params["blockedReason"]?.stringValue.map { "blocked: \($0)" } ?? params["errorText"]?.stringValue ?? "failed"
            requestEnded(params, failure: canceled ? "canceled" : reason)
        default:
            break
        }
    }

    /// A pop-up or download the step refused.
    func refuse(_ what: String) {
        state.withLock { state in
            if state.refused.count < 20 { state.refused.append(what) }
        }
    }

    private func add(_ line: ConsoleLine, error: Bool) {
        state.withLock { state in
            if error { state.consoleErrors += 1 }
            if state.console.count < Self.limit {
                var line = line
                line.text = String(line.text.prefix(1000))
                state.console.append(line)
            }
        }
    }

    private func requestStarted(_ params: JSONValue) {
        guard let id = params["requestId"]?.stringValue, let request = params["request"] else { return }
        let headers = (request["headers"]?.objectPairs ?? []).map { ($0.key, $0.value.stringValue ?? "") }
        let entry = Request(
            id: id, url: String((request["url"]?.stringValue ?? "").prefix(4000)), method: request["method"]?.stringValue ?? "GET",
            type: params["type"]?.stringValue ?? "", started: Date(timeIntervalSince1970: params["wallTime"]?.numberValue ?? Date().timeIntervalSince1970),
            wallStart: params["timestamp"]?.numberValue ?? 0, requestHeaders: headers)
        state.withLock { state in
            state.inFlight.insert(id)
            state.lastNetworkChange = .now
            // A redirect reuses the id: the earlier hop stays as its own entry.
            if let index = state.requestIndex[id], state.requests[index].status != nil {
                state.requestIndex[id] = nil
            }
            guard state.requests.count < Self.limit else { return }
            state.requestIndex[id] = state.requests.count
            state.requests.append(entry)
        }
    }

    private func responseReceived(_ params: JSONValue) {
        guard let id = params["requestId"]?.stringValue, let response = params["response"] else { return }
        let status = response["status"]?.numberValue.map { Int($0) }
        state.withLock { state in
            if params["type"]?.stringValue == "Document" { state.documentStatus = status }
            guard let index = state.requestIndex[id] else { return }
            state.requests[index].status = status
            state.requests[index].statusText = response["statusText"]?.stringValue ?? ""
            state.requests[index].mimeType = response["mimeType"]?.stringValue ?? ""
            state.requests[index].protocolName = response["protocol"]?.stringValue ?? ""
            state.requests[index].responseHeaders = (response["headers"]?.objectPairs ?? []).map { ($0.key, $0.value.stringValue ?? "") }
            state.requests[index].timing = response["timing"]
        }
    }

    private func requestEnded(_ params: JSONValue, failure: String?) {
        guard let id = params["requestId"]?.stringValue else { return }
        state.withLock { state in
            state.inFlight.remove(id)
            state.lastNetworkChange = .now
            guard let index = state.requestIndex[id] else { return }
            state.requests[index].failure = failure
            state.requests[index].finished = params["timestamp"]?.numberValue
            state.requests[index].encodedBytes = Int(params["encodedDataLength"]?.numberValue ?? 0)
        }
    }

    /// Requests that failed (not cancelled by the page itself) or got a 4xx or 5xx. The
    /// favicon Chromium fetches on its own (type Other) is not the page's request.
    var failedRequests: [String] {
        snapshot.requests.compactMap { request in
            if request.type == "Other" && request.url.hasSuffix("/favicon.ico") { return nil }
            if let failure = request.failure, failure != "canceled" { return "\(request.method) \(request.url): \(failure)" }
            if let status = request.status, status >= 400 { return "\(request.method) \(request.url): \(status)" }
            return nil
        }
    }

    /// How a console argument reads: strings as they are, other values by their description.
    private static func describe(_ argument: JSONValue) -> String {
        if let value = argument["value"] {
            if case .string(let text) = value { return text }
            return value.compactJSONText
        }
        return argument["description"]?.stringValue ?? argument["type"]?.stringValue ?? ""
    }
}

/// One console message or page error of a browser step.
public struct ConsoleLine: Sendable, Codable, Equatable {
    /// `log`, `info`, `warning`, `error`, `debug`, … or `pageerror` for an uncaught exception.
    public var level: String
    public var text: String
    public init(level: String, text: String) {
        self.level = level
        self.text = text
    }
}

extension JSONValue {
    var stringValue: String? { if case .string(let text) = self { text } else { nil } }
    var numberValue: Double? { if case .number(let number) = self { number } else { nil } }
    var boolValue: Bool? { if case .bool(let flag) = self { flag } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    var objectPairs: [(key: String, value: JSONValue)]? { if case .object(let pairs) = self { pairs } else { nil } }
}
