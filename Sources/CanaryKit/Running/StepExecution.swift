import CurlEngine
import Foundation

/// One step of one attempt: build the request, perform it, check assertions, take captures.
struct StepExecution {
    let step: Step
    /// 1-based.
    let index: Int
    let canary: Canary
    let engine: CurlEngine
    let session: HTTPSession
    /// The attempt's trace; the step's span is a child of its root span.
    let trace: TraceContext
    let traceFormats: [TraceFormat]

    private var readsJSON: Bool {
        (step.assertions + step.warnings).contains {
            switch $0.query {
            case .json, .jsonSchema: true
            default: false
            }
        }
            || step.captures.contains { if case .json = $0.source { true } else { false } }
    }

    /// The XPath expressions the step's checks and captures read.
    private func xpaths(_ checks: [Assertion]) -> [String] {
        checks.compactMap { if case .xpath(let expression) = $0.query { expression } else { nil } }
            + step.captures.compactMap { if case .xpath(let expression) = $0.source { expression } else { nil } }
    }

    /// `jar`: the attempt's cookies (`cookies: true`), sent with the request and replaced by the
    /// jar after it; nil without one.
    func run(builder: RequestBuilder, interpolator: inout Interpolator, jar: inout CookieJar?) async -> (StepRecord, Exchange?) {
        var record = StepRecord.skipped(step.name)
        record.outcome = .failed
        record.spanId = TraceContext.newSpanId()
        record.start = RunID.iso8601(Date())
        var request: HTTPRequest
        var assertions: [Assertion] = []
        var warnChecks: [Assertion] = []
        do {
            guard let template = step.request else { return (record, nil) }  // other kinds: `ProbeExecution`
            request = try builder.build(template, with: &interpolator)
            // Before sending: an expectation that can't be filled in must not cost a request.
            for assertion in step.assertions { assertions.append(try interpolator.render(assertion)) }
            for check in step.warnings { warnChecks.append(try interpolator.render(check)) }
        } catch {
            record.error = "\(canary.file): step '\(step.name)': \(error)"
            if case .lineBreak = error { record.errorKind = TransferError.Kind.invalidRequest.rawValue } else { record.errorKind = "interpolation" }
            return (record, nil)
        }
        request.addTraceHeaders(trace, spanId: record.spanId ?? "", formats: traceFormats)
        request.cookieJar = jar?.lines
        record.request = RequestSummary(request)
        interpolator.remember(secrets: Credentials.carried(by: request))
        if index == canary.steps.count { request.asksServerToClose() }

        let started = Date()
        let response: HTTPResponse
        do {
            response = try await performWhenResourcesAllow(request)
        } catch {
            record.error = error.message
            record.errorKind = error.kind.rawValue
            record.timings = error.timings.roundedToMicroseconds()
            return (record, Exchange(step: step.name, index: index, started: started, error: error.message, request: request, response: nil))
        }

        record.statusCode = response.statusCode
        record.timings = response.timings.roundedToMicroseconds()
        record.response = ResponseSummary(
            httpVersion: response.httpVersion, size: response.body.count, redirects: response.redirectCount,
            effectiveURL: response.effectiveURL, primaryIP: response.primaryIP,
            newConnections: response.newConnections,
            certificateNotAfter: response.certificate.map { RunID.iso8601($0.notAfter) },
            tls: response.tls.map(TLSRecord.init))

        interpolator.remember(secrets: Credentials.set(by: response))
        if jar != nil, let lines = response.cookieJar {
            jar = CookieJar(lines: lines)
        }
        if let jar { interpolator.remember(secrets: jar.secretValues) }
        // Parse the body only when something reads it as JSON: most steps don't.
        let (bodyJSON, bodyJSONProblem) = readsJSON ? ResponseFacts.parseJSON(response.body) : (nil, nil)
        var facts = ResponseFacts(response: response, bodyJSON: bodyJSON)
        facts.bodyJSONProblem = bodyJSONProblem
        facts.cookies = jar.map { Dictionary($0.cookies().map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }) }
        facts.redactor = Redactor(secrets: interpolator.secretValues)
        facts.evaluateXPaths(xpaths(assertions + warnChecks))
        step.check(facts, assertions: assertions, warnings: warnChecks, into: &record, interpolator: &interpolator)
        if let failure = AssertionEvaluator.defaultStatus(response.statusCode, assertions: assertions) {
            record.failures.insert(failure, at: 0)
            record.outcome = .failed
        }
        return (record, Exchange(step: step.name, index: index, started: started, request: request, response: response))
    }
}

extension Step {
    /// Checks the step's expectations and `warn` checks on `facts` and takes its captures (a
    /// capture that finds nothing is a failure); sets the record's outcome. Every kind's last part.
    func check(_ facts: ResponseFacts, assertions: [Assertion], warnings warnChecks: [Assertion], into record: inout StepRecord, interpolator: inout Interpolator) {
        record.failures = assertions.compactMap { AssertionEvaluator.evaluate($0, on: facts) }
        for capture in captures {
            do {
                let text = try CaptureExtractor.extract(capture, from: facts)
                if capture.secret { interpolator.remember(secrets: [text]) }
                interpolator.set(capture.name, text, json: CaptureExtractor.jsonValue(of: capture, from: facts))
            } catch {
                record.failures.append(AssertionFailure(
                    assertion: "capture \(capture.name)", expected: "a value", actual: "nothing",
                    message: "\(error)"))
            }
        }
        record.outcome = record.failures.isEmpty ? .passed : .failed
        let missed = warnChecks.compactMap { AssertionEvaluator.evaluate($0, on: facts) }
        if !missed.isEmpty { record.warnings = missed }
    }
}

extension StepExecution {
    /// A transfer our side could not start (no descriptor, no local port, no memory) never
    /// reached the target, so it is tried again after a short pause (50 ms doubling to 1 s, with
    /// jitter so a starved batch does not retry in step) until it runs or the canary's timeout
    /// cancels it; then the step ends with the `localResource` error, not the timeout.
    func performWhenResourcesAllow(_ request: HTTPRequest) async throws(TransferError) -> HTTPResponse {
        var pause = 50.0
        var lastLocal: TransferError?
        while true {
            do {
                return try await engine.perform(request, in: session)
            } catch where error.kind == .localResource {
                lastLocal = error
            } catch {
                if error.kind == .cancelled, let lastLocal { throw Self.stillStarved(lastLocal) }
                throw error
            }
            do {
                try await Task.sleep(for: .milliseconds(pause * Double.random(in: 0.5...1.5)))
            } catch {
                throw Self.stillStarved(lastLocal ?? TransferError(kind: .localResource, code: 0, message: ""))
            }
            pause = min(pause * 2, 1000)
        }
    }

    private static func stillStarved(_ error: TransferError) -> TransferError {
        var error = error
        error.message += "; still so when the canary's timeout ended the retries"
        return error
    }
}

extension HTTPRequest {
    /// On the attempt's last step, `Connection: close` (unless the step sets Connection itself):
    /// the server then closes first and keeps the TIME_WAIT, instead of each run leaving one of our
    /// local ports in TIME_WAIT for a minute (10,000 canaries a minute to one address would run
    /// out of ports). The connection was going to be closed anyway: every attempt opens its own.
    /// HTTP/2 drops the header; there we still close first.
    mutating func asksServerToClose() {
        guard !headers.contains(where: { $0.name.lowercased() == "connection" }),
              !removedHeaders.contains(where: { $0.lowercased() == "connection" }) else { return }
        headers.append(HTTPHeader(name: "Connection", value: "close"))
    }
}

extension Timings {
    /// libcurl measures in microseconds; more digits in records are float noise.
    func roundedToMicroseconds() -> Timings {
        func r(_ ms: Double) -> Double { (ms * 1000).rounded() / 1000 }
        return Timings(dns: r(dns), connect: r(connect), tls: r(tls), firstByte: r(firstByte), transfer: r(transfer), total: r(total))
    }
}
