/// `canary import har`: an HTTP Archive (browser devtools' "Save all as HAR", or the `run.har`
/// canary records) to a canary with one step per entry, each expecting the status it got.
public enum HARImport {
    /// Beyond this the file is refused before it is parsed: what parsing holds in memory is a
    /// few times the file's size.
    public static let maximumBytes = 64 << 20
    /// More entries than this (after `--filter`) make a canary nobody would read.
    public static let maximumSteps = 200

    public static func canary(bytes: [UInt8], file: String, filter: (String) -> Bool = { _ in true }) throws(ImportError) -> ImportedCanary {
        guard bytes.count <= maximumBytes else {
            throw ImportError(file, "\(bytes.count >> 20) MB is more than the \(maximumBytes >> 20) MB import reads; save a HAR of fewer requests (devtools' filter), or without response content")
        }
        let root: JSONValue
        do {
            root = try JSON5.parseJSON(bytes)
        } catch {
            throw ImportError("\(file):\(error.line):\(error.column)", "\(error.message); a HAR file is JSON: save it again from devtools (\"Save all as HAR\")")
        }
        guard case .array(let entries)? = root["log"]?["entries"] else {
            throw ImportError(file, "not a HAR: no \"log\": {\"entries\": […]}; save it from devtools (\"Save all as HAR\") or take a run's run.har")
        }
        var canary = ImportedCanary(name: "imported", source: "HAR")
        var taken = Set<String>()
        var (unanswered, notHTTP, filtered) = (0, 0, 0)
        for (index, entry) in entries.enumerated() {
            let place = "\(file): log.entries[\(index)]"
            guard case .string(let url)? = entry["request"]?["url"], case .string(let method)? = entry["request"]?["method"] else {
                throw ImportError(place, "an entry needs request.url and request.method as strings; fix or remove the entry")
            }
            let scheme = url.prefix { $0 != ":" }.lowercased()
            guard scheme == "http" || scheme == "https" else { notHTTP += 1; continue }
            guard filter(url) else { filtered += 1; continue }
            guard case .number(let number)? = entry["response"]?["status"], number >= 100, number < 600 else { unanswered += 1; continue }
            guard canary.steps.count < maximumSteps else {
                throw ImportError(file, "more than \(maximumSteps) entries to import; choose the ones to keep with --filter REGEX (matched against each URL)")
            }
            try ImportText.checkMethod(method, at: place + ".request.method")
            if canary.steps.isEmpty { canary.name = ImportNames.canaryName(fromURL: url) }
            try ImportText.checkURL(url, at: place + ".request.url")
            let status = Int(number)
            var step = ImportedStep(name: ImportNames.unique(ImportNames.stepName(method: method, url: url), among: &taken), url: url)
            step.method = method.uppercased()
            (step.url, step.urlNote) = ImportScrub.url(url, step: step.name, secrets: &canary.secrets)
            var headers: [(name: String, value: String)] = []
            if case .array(let list)? = entry["request"]?["headers"] {
                for (position, header) in list.enumerated() {
                    guard case .string(let name)? = header["name"], case .string(let value)? = header["value"], CanaryFileDecoder.isToken(name) || name.hasPrefix(":") else {
                        throw ImportError("\(place).request.headers[\(position)]", "a header needs a name (a token) and a value, both strings")
                    }
                    try ImportText.checkHeader(name, value, at: "\(place).request.headers[\(position)]")
                    headers.append((name, value))
                }
            }
            step.headers = canary.headers(headers, step: step.name)
            if let body = try postData(entry["request"]?["postData"], at: place + ".request.postData") {
                let type = headers.last { $0.name.lowercased() == "content-type" }?.value ?? body.type
                if !headers.contains(where: { $0.name.lowercased() == "content-type" }), !body.type.isEmpty {
                    step.headers.append(ImportedHeader(name: "Content-Type", value: body.type))
                }
                (step.body, step.bodyNote) = ImportBody.body(body.text, contentType: type, step: step.name, secrets: &canary.secrets)
            }
            if (300..<400).contains(status) { step.followRedirects = false }
            step.expect = [("status", String(status), (300..<400).contains(status) ? "a redirect, as recorded (not followed)" : nil)]
            canary.steps.append(step)
        }
        if unanswered > 0 { canary.notImported.append("\(unanswered) entries without a response (status 0: blocked, cancelled or failed in the browser)") }
        if notHTTP > 0 { canary.notImported.append("\(notHTTP) entries that are not http(s) (data:, blob:, ws:…)") }
        if filtered > 0 { canary.notImported.append("\(filtered) entries whose URL --filter did not match") }
        guard !canary.steps.isEmpty else {
            throw ImportError(file, "no entry to import (\(entries.count) in the file; \(filtered) not matching --filter, \(unanswered) without a response, \(notHTTP) not http(s))")
        }
        return canary
    }

    /// `postData`: its `text`, or its `params` as a form.
    private static func postData(_ value: JSONValue?, at place: String) throws(ImportError) -> (text: String, type: String)? {
        guard let value else { return nil }
        let type: String
        if case .string(let mime)? = value["mimeType"] { type = mime } else { type = "" }
        if case .string(let text)? = value["text"] {
            try ImportText.check(text, at: place + ".text")
            return text.isEmpty ? nil : (text, type)
        }
        guard case .array(let params)? = value["params"], !params.isEmpty else { return nil }
        var pairs: [String] = []
        for param in params {
            guard case .string(let name)? = param["name"] else { throw ImportError(place + ".params", "a param needs a name") }
            if case .string(let file)? = param["fileName"] { throw ImportError(place + ".params", "the field '\(name)' uploads the file '\(file)', which import does not; remove the entry with --filter") }
            let text: String
            if case .string(let given)? = param["value"] { text = given } else { text = "" }
            try ImportText.check(text, at: place + ".params")
            pairs.append(name + "=" + text)
        }
        return (pairs.joined(separator: "&"), type.isEmpty ? "application/x-www-form-urlencoded" : type)
    }
}
