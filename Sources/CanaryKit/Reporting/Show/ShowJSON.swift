/// `canary show --format json|har`: the run's record, or a standalone HAR of the attempt, as
/// JSON a tool can read. Strings are masked by the redactor again (the caller may know secrets
/// the writer didn't) and characters a terminal would act on are written as `\u00XX` escapes.
public enum ShowJSON {
    /// The record as in `run.json`.
    public static func record(_ run: ShownRun, redactor: Redactor) throws -> String {
        terminalSafe(try RecordJSON.bytes(redactor.redact(run.record), pretty: true))
    }

    /// The attempt's exchanges as one HTTP Archive, which any HAR viewer opens: one page, the attempt.
    public static func har(_ run: ShownRun, redactor: Redactor) throws -> String {
        let id = "attempt-\(run.attempt)"
        let page = StoredHAR.Page(id: id, title: redactor.redact("\(run.record.canary) \(run.record.runId) attempt \(run.attempt)"), startedDateTime: run.times.start)
        let entries = run.exchanges.map { entry in
            var entry = redact(entry, redactor)
            entry.pageref = id
            return entry
        }
        return terminalSafe(try RecordJSON.bytes(StoredHAR(entries: entries, pages: [page]), pretty: true))
    }

    private static func redact(_ exchange: StoredExchange, _ redactor: Redactor) -> StoredExchange {
        var entry = exchange
        func headers(_ list: [StoredExchange.NameValue]) -> [StoredExchange.NameValue] {
            list.map { .init(name: redactor.redact($0.name), value: redactor.redactHeader(name: $0.name, value: $0.value)) }
        }
        entry.request.url = redactor.redact(entry.request.url)
        entry.request.headers = headers(entry.request.headers)
        let postText = entry.request.postData?.text
        entry.request.postData?.text = redactor.redact(postText)
        entry.response.statusText = redactor.redact(entry.response.statusText)
        entry.response.headers = headers(entry.response.headers)
        entry.response.redirectURL = redactor.redact(entry.response.redirectURL)
        let content = entry.response.content
        if !content.isBinary { entry.response.content.text = redactor.redact(content.text) }
        entry.comment = redactor.redact(entry.comment)
        // The members HAR 1.2 requires, for entries read without them (files of other writers):
        // a standalone HAR must open in any viewer. Cookies are credentials: values masked.
        let pairs = { (list: [StoredExchange.NameValue]?, mask: Bool) in
            (list ?? []).map { StoredExchange.NameValue(name: redactor.redact($0.name), value: mask ? "***" : redactor.redact($0.value)) }
        }
        entry.request.cookies = pairs(entry.request.cookies, true)
        entry.request.queryString = pairs(entry.request.queryString, false)
        entry.request.headersSize = entry.request.headersSize ?? -1
        entry.request.bodySize = entry.request.bodySize ?? 0
        entry.response.cookies = pairs(entry.response.cookies, true)
        entry.response.headersSize = entry.response.headersSize ?? -1
        entry.response.bodySize = entry.response.bodySize ?? content.size
        entry.response.redirectURL = entry.response.redirectURL ?? ""
        entry.cache = entry.cache ?? StoredExchange.Cache()
        return entry
    }

    /// JSON text with DEL and C1 controls (U+007F–U+009F, which some terminals act on) escaped;
    /// JSON writers escape C0 controls already. They can only occur inside strings.
    static func terminalSafe(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x7F {
                out += Array("\\u007F".utf8)
            } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
                out += Array("\\u00\(String(bytes[index + 1], radix: 16, uppercase: true))".utf8)
                index += 1
            } else if byte < 0x20 && byte != UInt8(ascii: "\n") {
                out += Array("\\u00\(byte < 16 ? "0" : "")\(String(byte, radix: 16, uppercase: true))".utf8)
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
