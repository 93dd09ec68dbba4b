import CurlEngine
import Foundation

extension HAR {
    /// A followed redirect as an entry of its own: the URL asked for, the request headers sent on
    /// that hop and the 3xx with its `Location`. libcurl times the transfer as a whole, so a hop's
    /// phases are 0 and the step's timings stay on its last entry (the comment says so).
    static func hopEntry(_ hop: RedirectHop, of exchange: Exchange, page: String, redactor: Redactor, to out: RecordJSON.Stream) {
        let url = redactor.redact(hop.url)
        let httpVersion = exchange.response?.httpVersion ?? "HTTP/1.1"
        out.begin()
        out.member("pageref", page)
        out.member("startedDateTime", RunID.iso8601(exchange.started))
        out.member("time", 0)
        out.begin("request")
        out.member("method", hop.method.isEmpty ? exchange.request.method : hop.method)
        out.member("url", url)
        out.member("httpVersion", httpVersion)
        out.begin("cookies", array: true)
        out.end()
        headers(Exchange.headers(ofBlock: hop.requestHeaderBlock), redactor: redactor, to: out)
        out.begin("queryString", array: true)
        for (name, value) in queryPairs(url) { nameValue(name, value, to: out) }
        out.end()
        out.member("headersSize", -1)
        out.member("bodySize", 0)
        out.end()
        out.begin("response")
        out.member("status", hop.statusCode)
        out.member("statusText", redactor.redact(hop.reason))
        out.member("httpVersion", httpVersion)
        out.begin("cookies", array: true)
        out.end()
        headers(hop.headers, redactor: redactor, to: out)
        out.begin("content")
        out.member("size", 0)
        out.member("mimeType", hop.headers.value(named: "Content-Type") ?? "")
        out.end()
        let location: String = hop.headers.value(named: "Location") ?? ""
        out.member("redirectURL", redactor.redact(location))
        out.member("headersSize", -1)
        out.member("bodySize", 0)
        out.end()
        out.begin("cache")
        out.end()
        phaseTimings(PhaseTimings(Timings()), to: out)
        out.member("comment", "a redirect followed within step \(exchange.step); the step's timings are on its last entry")
        out.end()
    }

    static func phaseTimings(_ timings: PhaseTimings, to out: RecordJSON.Stream) {
        out.begin("timings")
        for (name, value) in [("blocked", timings.blocked), ("dns", timings.dns), ("connect", timings.connect), ("send", timings.send),
                              ("wait", timings.wait), ("receive", timings.receive), ("ssl", timings.ssl)] {
            out.member(name, value)
        }
        out.end()
    }
}
