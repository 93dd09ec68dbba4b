import CurlEngine
import Locking
import Foundation

/// Settings shared by every canary of one invocation.
public struct RunSettings: Sendable {
    /// `--var NAME=VALUE`: override and extend every canary's own variables.
    public var variables: [String: String]
    /// Where `{{env.X}}` and `{{secret.X}}` are looked up.
    public var environment: [String: String]
    /// `--cacert`: extra CA bundle to trust.
    public var caFile: String?
    /// Past this many bytes a response body fails its step.
    public var maxBodyBytes: Int
    /// Names read as `{{secret.NAME}}` anywhere in the run: `{{env.NAME}}` of them is masked too.
    public var secretNames: Set<String> = []
    /// `--retry-interval`: the pause between a failed attempt and its retry.
    public var retryInterval: Duration = .zero
    /// `--trace`: the trace headers every step sends, over each canary's own `trace`.
    public var traceFormats: [TraceFormat]?
    /// Where browser steps get their page: the process's one Chromium.
    public var browsers: BrowserPool = .shared
    /// `--proxy URL` (or "env"): the proxy of every request whose canary file names none.
    public var proxy: String?

    public init(
        variables: [String: String] = [:], environment: [String: String] = ProcessInfo.processInfo.environment,
        caFile: String? = nil, maxBodyBytes: Int = 64 << 20
    ) {
        self.variables = variables
        self.environment = environment
        self.caFile = caFile
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Runs canaries: steps in order over one connection scope per attempt, retries, the whole-run
/// timeout. Prints nothing and writes nothing; it returns results for others to render.
public struct Runner: Sendable {
    let engine: CurlEngine
    let settings: RunSettings

    public init(engine: CurlEngine, settings: RunSettings) {
        self.engine = engine
        self.settings = settings
    }

    /// Runs `canaries` with at most `jobs` at once. `finish` runs in each canary's own task right
    /// after it (so results are recorded concurrently, not one after another); `consume` then sees
    /// each result and what `finish` returned, one at a time, in completion order. A result for
    /// which `finishesOffSlot` is true gives its slot to the next canary before `finish` starts,
    /// so a slow finish (rendering screenshots) never holds up the other canaries' runs.
    public func run<Finished: Sendable>(
        _ canaries: [Canary], jobs: Int,
        finishesOffSlot: @escaping @Sendable (RunResult) -> Bool = { _ in false },
        finish: @escaping @Sendable (RunResult) async -> Finished,
        consume: (RunResult, Finished) async -> Void
    ) async {
        await run(CanaryBatch(canaries), jobs: jobs, finishesOffSlot: finishesOffSlot, finish: finish, consume: consume)
    }

    /// `run` of a batch whose canaries are let go as they start (see `CanaryBatch`).
    public func run<Finished: Sendable>(
        _ canaries: CanaryBatch, jobs: Int,
        finishesOffSlot: @escaping @Sendable (RunResult) -> Bool = { _ in false },
        finish: @escaping @Sendable (RunResult) async -> Finished,
        consume: (RunResult, Finished) async -> Void
    ) async {
        var settings = settings
        settings.secretNames.formUnion(canaries.secretNames)
        let runner = Runner(engine: engine, settings: settings)
        await runner.runBatch(canaries, jobs: jobs, finishesOffSlot: finishesOffSlot, finish: finish, consume: consume)
    }

    private func runBatch<Finished: Sendable>(
        _ pending: CanaryBatch, jobs: Int,
        finishesOffSlot: @escaping @Sendable (RunResult) -> Bool,
        finish: @escaping @Sendable (RunResult) async -> Finished,
        consume: (RunResult, Finished) async -> Void
    ) async {
        await withTaskGroup(of: Done<Finished>.self) { group in
            let task = { @Sendable (canary: Canary) -> Done<Finished> in
                let result = await self.run(canary)
                if finishesOffSlot(result) { return .ran(result) }
                return .finished(result, await finish(result), heldSlot: true)
            }
            for _ in 0..<max(1, jobs) {
                guard !Task.isCancelled, let canary = pending.next() else { break }
                group.addTask { await task(canary) }
            }
            // Once cancelled (SIGTERM), no canary starts; the running ones end as cancelled.
            while let done = await group.next() {
                switch done {
                case .ran(let result):
                    group.addTask { .finished(result, await finish(result), heldSlot: false) }
                    if !Task.isCancelled, let canary = pending.next() { group.addTask { await task(canary) } }
                case .finished(let result, let finished, let heldSlot):
                    // Consumed first: a consumer that cancels the batch on this result
                    // (`--fail-fast`) stops the next canary from starting.
                    await consume(result, finished)
                    if heldSlot, !Task.isCancelled, let canary = pending.next() { group.addTask { await task(canary) } }
                }
            }
        }
    }

    /// A task of `run(_:jobs:…)`: a canary that ran and still needs its finish off the slot, or a
    /// finished one (whose task may have held a slot the next canary takes).
    private enum Done<Finished: Sendable>: Sendable {
        case ran(RunResult)
        case finished(RunResult, Finished, heldSlot: Bool)
    }

    /// One canary, with its retries: the last attempt is the one returned.
    public func run(_ canary: Canary) async -> RunResult {
        await run(canary, retrying: { true })
    }

    /// One canary, with its retries while `retrying()` says so (the scheduler stops saying so on
    /// SIGTERM). A failed attempt whose retry was refused is recorded as cancelled: the run did
    /// not finish, and its failure may be one a retry would have cleared, so it must not alarm.
    public func run(_ canary: Canary, retrying: @Sendable () -> Bool) async -> RunResult {
        var attempt = 1
        var earlier: [RunResult] = []
        let clock = ContinuousClock()
        let began = clock.now
        while true {
            var result = await runAttempt(canary, attempt: attempt)
            if result.record.passed || attempt > canary.retries || Task.isCancelled {
                return Self.whole(result, earlier: earlier, durationMs: (clock.now - began).milliseconds)
            }
            if settings.retryInterval > .zero { try? await Task.sleep(for: settings.retryInterval) }
            guard retrying(), !Task.isCancelled else {
                result.record.cancelled = true
                result.record.error = "cancelled: stopped before attempt \(attempt + 1) of \(canary.retries + 1) (attempt \(attempt): \(result.record.error ?? "failed"))"
                return Self.whole(result, earlier: earlier, durationMs: (clock.now - began).milliseconds)
            }
            earlier.append(result)
            attempt += 1
        }
    }

    /// The run as a whole: the first attempt's start and id, the last attempt's end and outcome,
    /// and every attempt inside it when there was more than one.
    static func whole(_ last: RunResult, earlier: [RunResult], durationMs: Double) -> RunResult {
        guard let first = earlier.first else { return last }
        var result = last
        result.record.runId = first.record.runId
        result.record.start = first.record.start
        result.record.durationMs = durationMs
        // Retries follow failed attempts only: a pass now needed one.
        if last.record.passed { result.record.flaky = true }
        result.record.attempts = (earlier + [last]).map { attempt in
            let record = attempt.record
            return AttemptRecord(attempt: record.attempt, start: record.start, end: record.end, durationMs: record.durationMs,
                                 passed: record.passed, error: record.error, steps: record.steps, inconclusive: record.inconclusive,
                                 traceId: record.traceId, spanId: record.spanId)
        }
        result.earlierExchanges = earlier.flatMap(\.exchanges)
        result.secrets = earlier.reduce(last.secrets) { $0.union($1.secrets) }
        return result
    }

    private func runAttempt(_ canary: Canary, attempt: Int) async -> RunResult {
        let start = Date()
        let clock = ContinuousClock()
        let began = clock.now
        let session = engine.makeSession()
        defer { engine.close(session) }
        let trace = TraceContext.start(at: start)

        // The steps in a task of their own, cancelled by the whole-run timeout (`AttemptDeadlines`)
        // or when this task is.
        let steps = Task { await self.runSteps(canary, session: session, trace: trace) }
        let fired = Locked(false)
        let deadline = AttemptDeadlines.shared.add(after: canary.timeout) {
            fired.withLock { $0 = true }
            steps.cancel()
        }
        let stepsOutput = await withTaskCancellationHandler { await steps.value } onCancel: { steps.cancel() }
        AttemptDeadlines.shared.remove(deadline)
        // Stopped from outside first: cancelled, not timed out (as the timer of a cancelled task never fired).
        let timedSteps = (stepsOutput, timedOut: fired.withLock { $0 } && !Task.isCancelled)
        var output = timedSteps.0
        var runError: String?
        // The timer can fire while the last step is completing (seen when steps had waited for a
        // local port): when every step passed, none was interrupted and the run did not time out.
        if timedSteps.timedOut && !output.everyStepPassed {
            runError = "canary timeout of \(canary.timeout.humanText) exceeded"
            output.markTimedOut(message: runError ?? "")
        }
        let cancelled = Task.isCancelled && !timedSteps.timedOut
        if cancelled { runError = "cancelled: canary was stopped before this run finished" }
        let end = Date()
        let passed = !output.steps.contains { $0.outcome == .failed } && runError == nil
        // Stopped from outside is cancelled, whatever the steps were waiting for.
        let inconclusive = output.isInconclusive && !cancelled
        if !passed, runError == nil || inconclusive, let failed = output.steps.first(where: { $0.outcome == .failed }) {
            runError = "step \(failed.name): " + (failed.error ?? failed.failures.first?.message ?? "failed")
        }
        var record = RunRecord(
            canary: canary.name, runId: RunID.make(at: start), start: RunID.iso8601(start),
            end: RunID.iso8601(end), durationMs: (clock.now - began).milliseconds, passed: passed,
            attempt: attempt, tags: Dictionary(canary.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }),
            error: runError, file: canary.file, steps: output.steps, inconclusive: inconclusive ? true : nil,
            cancelled: cancelled ? true : nil)
        record.traceId = trace.traceId
        record.spanId = trace.spanId
        if passed && output.steps.contains(where: { $0.warnings != nil }) { record.degraded = true }
        if canary.maintenance.contains(where: { $0.covers(start) }) { record.maintenance = true }
        let exchanges = output.exchanges.map { exchange in
            var exchange = exchange
            exchange.attempt = attempt
            return exchange
        }
        var result = RunResult(record: record, exchanges: exchanges, secrets: output.secrets)
        result.probes = output.probes
        result.artifacts = output.artifacts
        return result
    }

    /// Steps in order; a failed step without `continueOnFailure` skips the rest.
    private func runSteps(_ canary: Canary, session: HTTPSession, trace: TraceContext) async -> StepsOutput {
        var variables = canary.variables
        variables.merge(settings.variables) { _, override in override }
        var interpolator = Interpolator(
            variables: variables, environment: settings.environment, secretNames: settings.secretNames.union(canary.secretNames))
        let builder = RequestBuilder(canary: canary, caFile: settings.caFile, maxBodyBytes: settings.maxBodyBytes, proxy: settings.proxy)
        let probeBuilder = ProbeBuilder(canary: canary, caFile: settings.caFile)
        var output = StepsOutput(canary: canary)
        // `cookies: true`: this attempt's jar, empty at its start (a retry starts empty too).
        var jar: CookieJar? = canary.cookies ? CookieJar() : nil
        var stopped = false
        for (offset, step) in canary.steps.enumerated() {
            if stopped || Task.isCancelled {
                output.steps.append(.skipped(step.name))
                continue
            }
            let record: StepRecord
            if case .browser(let browser) = step.kind {
                let execution = BrowserExecution(step: step, browser: browser, index: offset + 1, canary: canary, pool: settings.browsers)
                let browserOutput = await execution.run(interpolator: &interpolator)
                record = browserOutput.record
                output.artifacts += browserOutput.artifacts
            } else if case .http = step.kind {
                let execution = StepExecution(
                    step: step, index: offset + 1, canary: canary, engine: engine, session: session,
                    trace: trace, traceFormats: settings.traceFormats ?? canary.traceFormats)
                let (stepRecord, exchange) = await execution.run(builder: builder, interpolator: &interpolator, jar: &jar)
                record = stepRecord
                if let exchange { output.exchanges.append(exchange) }
            } else {
                let execution = ProbeExecution(step: step, index: offset + 1, canary: canary, engine: engine, session: session)
                let (stepRecord, exchange) = await execution.run(builder: probeBuilder, interpolator: &interpolator)
                record = stepRecord
                if let exchange { output.probes.append(exchange) }
            }
            output.steps.append(record)
            if record.outcome == .failed && !step.continueOnFailure { stopped = true }
        }
        output.secrets = interpolator.secretValues
        return output
    }
}

/// What the steps of one attempt produced so far.
struct StepsOutput: Sendable {
    var steps: [StepRecord] = []
    var exchanges: [Exchange] = []
    var probes: [ProbeExchange] = []
    /// Browser steps' PNGs and HARs.
    var artifacts: [Artifact] = []
    var secrets: Set<String> = []
    let stepNames: [String]

    init(canary: Canary) {
        stepNames = canary.steps.map(\.name)
    }

    var everyStepPassed: Bool {
        steps.count == stepNames.count && steps.allSatisfy { $0.outcome == .passed }
    }

    /// Every failed step failed for want of a resource of ours (see `StepExecution`): the run
    /// could not ask the target, so it neither passed nor failed.
    var isInconclusive: Bool {
        let failed = steps.filter { $0.outcome == .failed }
        return !failed.isEmpty && failed.allSatisfy { $0.errorKind == TransferError.Kind.localResource.rawValue }
    }

    /// After the whole-run timeout: the interrupted step failed with the timeout, the rest skipped.
    mutating func markTimedOut(message: String) {
        if let index = steps.lastIndex(where: { $0.errorKind == TransferError.Kind.cancelled.rawValue }) {
            steps[index].error = message
            steps[index].errorKind = TransferError.Kind.timeout.rawValue
        } else if steps.count < stepNames.count {
            var interrupted = StepRecord.skipped(stepNames[steps.count])
            interrupted.outcome = .failed
            interrupted.error = message
            interrupted.errorKind = TransferError.Kind.timeout.rawValue
            steps.append(interrupted)
        }
        while steps.count < stepNames.count {
            steps.append(.skipped(stepNames[steps.count]))
        }
    }
}

extension StepRecord {
    static func skipped(_ name: String) -> StepRecord {
        StepRecord(name: name, outcome: .skipped, statusCode: 0, timings: Timings(), failures: [], error: nil)
    }
}
