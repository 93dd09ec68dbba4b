import CurlEngine
import Foundation

/// One step of one attempt: build the request, perform it, check assertions, take captures.
struct StepExecution {
    let step: Step
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
        do {
            request = try builder.build(step.request, with: &interpolator)
        } catch {
            record.error = "\(canary.file): step '\(step.name)': \(error)"
            record.errorKind = "interpolation"
            return (record, nil)
        }
        record.request = RequestSummary(method: request.method, url: request.url)

        let response: HTTPResponse
        do {
            response = try await engine.perform(request, in: session)
        } catch {
            record.error = error.message
            record.errorKind = error.kind.rawValue
            record.timings = error.timings
            return (record, Exchange(step: step.name, request: request, response: nil))
        }

        record.statusCode = response.statusCode
        record.timings = response.timings
        record.response = ResponseSummary(
            httpVersion: response.httpVersion, size: response.body.count, redirects: response.redirectCount,
            effectiveURL: response.effectiveURL, primaryIP: response.primaryIP,
            newConnections: response.newConnections,
            certificateNotAfter: response.certificate.map { RunID.iso8601($0.notAfter) })

        // Parse the body only when something reads it as JSON: most steps don't.
        let bodyJSON = readsJSON ? try? JSON5.parseJSON(response.body) : nil
        let facts = ResponseFacts(response: response, bodyJSON: bodyJSON)
        record.failures = step.assertions.compactMap { AssertionEvaluator.evaluate($0, on: facts) }
        for capture in step.captures {
            do {
                interpolator.set(capture.name, try CaptureExtractor.extract(capture, from: facts))
            } catch {
                record.failures.append(AssertionFailure(
                    assertion: "capture \(capture.name)", expected: "a value", actual: "nothing",
                    message: "\(error)"))
            }
        }
        record.outcome = record.failures.isEmpty ? .passed : .failed
        return (record, Exchange(step: step.name, request: request, response: response))
    }
}
