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

    private var readsJSON: Bool {
        step.assertions.contains { if case .json = $0.query { true } else { false } }
            || step.captures.contains { if case .json = $0.source { true } else { false } }
    }

    func run(builder: RequestBuilder, interpolator: inout Interpolator) async -> (StepRecord, Exchange?) {
        var record = StepRecord.skipped(step.name)
        record.outcome = .failed
        let request: HTTPRequest
        var assertions: [Assertion] = []
        do {
            request = try builder.build(step.request, with: &interpolator)
            // Before sending: an expectation that can't be filled in must not cost a request.
            for assertion in step.assertions { assertions.append(try interpolator.render(assertion)) }
        } catch {
            record.error = "\(canary.file): step '\(step.name)': \(error)"
            if case .lineBreak = error { record.errorKind = TransferError.Kind.invalidRequest.rawValue } else { record.errorKind = "interpolation" }
            return (record, nil)
        }
        record.request = RequestSummary(method: request.method, url: request.url)
        interpolator.remember(secrets: Credentials.carried(by: request))

        let started = Date()
        let response: HTTPResponse
        do {
            response = try await engine.perform(request, in: session)
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
            certificateNotAfter: response.certificate.map { RunID.iso8601($0.notAfter) })

        interpolator.remember(secrets: Credentials.set(by: response))
        // Parse the body only when something reads it as JSON: most steps don't.
        let bodyJSON = readsJSON ? try? JSON5.parseJSON(response.body) : nil
        var facts = ResponseFacts(response: response, bodyJSON: bodyJSON)
        facts.redactor = Redactor(secrets: interpolator.secretValues)
        record.failures = assertions.compactMap { AssertionEvaluator.evaluate($0, on: facts) }
        if let failure = AssertionEvaluator.defaultStatus(response.statusCode, assertions: assertions) {
            record.failures.insert(failure, at: 0)
        }
        for capture in step.captures {
            do {
                let text = try CaptureExtractor.extract(capture, from: facts)
                interpolator.set(capture.name, text, json: CaptureExtractor.jsonValue(of: capture, from: facts))
            } catch {
                record.failures.append(AssertionFailure(
                    assertion: "capture \(capture.name)", expected: "a value", actual: "nothing",
                    message: "\(error)"))
            }
        }
        record.outcome = record.failures.isEmpty ? .passed : .failed
        return (record, Exchange(step: step.name, index: index, started: started, request: request, response: response))
    }
}

extension Timings {
    /// libcurl measures in microseconds; more digits in records are float noise.
    func roundedToMicroseconds() -> Timings {
        func r(_ ms: Double) -> Double { (ms * 1000).rounded() / 1000 }
        return Timings(dns: r(dns), connect: r(connect), tls: r(tls), firstByte: r(firstByte), transfer: r(transfer), total: r(total))
    }
}
