import Foundation

/// `canary show --format http`: the run's steps as an on-call engineer reads them, like the
/// `.http` snapshots: facts and timings as `#` lines, the request as sent, the response as
/// received. Every string is masked by the redactor and escaped, so no byte a server sent can
/// drive the terminal or add a line that looks like ours.
public enum ShowText {
    public static func render(_ run: ShownRun, redactor: Redactor) -> String {
        let record = run.record
        let show = { (text: String) in PrintableText.escaping(redactor.redact(text)) }
        var out = "# \(show(record.canary)) run \(show(record.runId)), attempt \(run.attempt) of \(run.attempts): \(run.outcome)\n"
        let times = run.times
        out += "# start \(show(times.start)), end \(show(times.end)), \(ConsoleReport.formatMilliseconds(times.durationMs))\n"
        if let error = times.error { out += "# error: \(show(error))\n" }
        if !run.exchangesKept { out += "# the exchanges of this run are no longer kept: only its record is shown\n" }
        for (offset, shown) in run.steps.enumerated() {
            out += "\n" + stepBlock(index: offset + 1, shown, show: show, redactor: redactor)
        }
        return out
    }

    private static func stepBlock(index: Int, _ shown: ShownStep, show: (String) -> String, redactor: Redactor) -> String {
        let step = shown.step, exchange = shown.exchange
        var out = "### step \(index) \(show(step.name)): \(step.outcome.rawValue)\n"
        // A step that sent its request has its facts in the record, kept or not its exchange.
        guard exchange != nil || step.request != nil else {
            if let error = step.error { out += "# not sent: \(show(error))\n" }
            return out
        }
        let t = step.timings
        out += "# timings (ms): dns \(t.dns) connect \(t.connect) tls \(t.tls) firstByte \(t.firstByte) transfer \(t.transfer) total \(t.total)\n"
        if let response = step.response {
            out += "# url: \(show(response.effectiveURL))  ip: \(show(response.primaryIP))  redirects: \(response.redirects)\n"
            if let notAfter = response.certificateNotAfter { out += "# certificate notAfter: \(show(notAfter))\n" }
        }
        if let error = step.error { out += "# error: \(show(error))\n" }
        for failure in step.failures { out += "# failed: \(show(failure.message))\n" }
        for hop in shown.hops {
            let location = hop.response.headers.first { $0.name.lowercased() == "location" }?.value ?? ""
            out += "# redirect: \(show(hop.request.method)) \(show(hop.request.url)) → \(hop.response.status) \(show(hop.response.statusText)), Location: \(show(location))\n"
        }
        guard let exchange else {
            if let request = step.request { out += "# sent: \(show(request.method)) \(show(request.url)) (request and response not kept)\n" }
            return out
        }
        out += "\n" + requestText(exchange.request, show: show, redactor: redactor)
        out += "\n" + responseText(exchange, show: show, redactor: redactor)
        return out
    }

    private static func requestText(_ request: StoredExchange.Request, show: (String) -> String, redactor: Redactor) -> String {
        var out = "\(show(request.method)) \(show(request.url)) \(show(request.httpVersion))\n"
        out += headerLines(request.headers, redactor: redactor)
        if let text = request.postData?.text, !text.isEmpty {
            out += "\n" + body(text, cut: request.bodyIsCut ? "[cut: \(request.bodySize ?? 0) bytes in all]" : nil, redactor: redactor)
        }
        return out
    }

    private static func responseText(_ exchange: StoredExchange, show: (String) -> String, redactor: Redactor) -> String {
        let response = exchange.response
        guard response.status > 0 else {
            return "[no response: \(show(exchange.comment ?? "the transfer failed"))]\n"
        }
        var out = "\(show(response.httpVersion)) \(response.status) \(show(response.statusText))\n"
        out += headerLines(response.headers, redactor: redactor) + "\n"
        let content = response.content
        if content.isBinary {
            out += "[binary body: \(content.size) bytes; --format har holds it as base64]\n"
        } else if let text = content.bodyText {
            out += body(text, cut: content.comment.map { "[\(show($0))]" }, redactor: redactor)
        }
        return out
    }

    private static func headerLines(_ headers: [StoredExchange.NameValue], redactor: Redactor) -> String {
        headers.map { header in
            let name = redactor.redact(header.name)
            let value = redactor.redactHeader(name: header.name, value: header.value)
            return PrintableText.escaping(name) + ": " + PrintableText.escaping(value) + "\n"
        }.joined()
    }

    private static func body(_ text: String, cut: String?, redactor: Redactor) -> String {
        var out = PrintableText.escapingLines(redactor.redact(text))
        if !out.hasSuffix("\n") { out += "\n" }
        if let cut { out += cut + "\n" }
        return out
    }
}
