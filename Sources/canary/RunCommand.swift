import CanaryKit
import CurlEngine
import Foundation

/// `canary run`: load, select, run with bounded concurrency, record, print, exit 0/1/2.
struct RunCommand {
    static let flags: Set<String> = [
        "--allow-shared-results", "--results-mode", "--pass-env",
        "--var", "--jobs", "--results", "--lock-timeout", "--only", "--tag", "--verbose", "--quiet", "--cacert", "--proxy", "--no-wait",
        "--keep", "--artifacts", "--retain", "--max-bytes", "--max-snapshot-bytes", "--max-body-bytes", "--junit", "--pushgateway", "--webhook", "--alertmanager", "--report-url",
        "--on-alarm", "--run-events", "--allow-unused-vars", "--sink-timeout", "--sink-max-age", "--account", "--forget-after", "--on-alarm-arg", "--on-run", "--on-run-arg", "--screenshots", "--shard", "--location", "--maintenance",
        "--screenshot-jobs", "--browser-jobs", "--screenshot-timeout", "--browser",
        "--report-format", "--color", "--fail-fast", "--retry", "--retry-interval", "--timeout", "--vars-file", "--secrets-file", "--no-results", "--trace", "--otlp", "--emf", "--emf-namespace",
    ]
    let options: RunOptions
    /// Some runs were inconclusive (the runner lacked a descriptor, port or memory) and none
    /// failed: cron and CI can tell "the runner is starved" from "the service is down" (1).
    static let inconclusiveExit: Int32 = 4

    func execute() async throws -> Int32 {
        Console.configureColor(options.color)
        ResultsAccess.configure(fileMode: options.resultsMode, allowShared: options.allowSharedResults)
        ChildEnvironment.configure(passing: options.passEnvironment)
        let stop = RunStop()
        let watcher = stop.watch()
        defer { watcher.cancel() }
        // --no-results: a folder of this process only, gone when it ends.
        defer { if options.noResults { try? FileManager.default.removeItem(atPath: options.results) } }
        if let junit = options.outputs.junitPath {
            try OutputFile.prepare(junit, flag: "--junit")
            // The XML owns stdout; the console lines go to stderr beside the problems.
            if junit == "-" { Console.linesToStandardError = true }
        }
        try RunReports.prepare(options.reports)
        try StartChecks.caFile(options.caFile, command: "run")
        try StartChecks.variableValues(options.variables, command: "run")
        var loaded = CanaryLoader.load(paths: options.paths, variables: options.variables)
        for problem in loaded.problems { Console.error("invalid: \(problem)") }
        for entry in loaded.skipped { Console.error("skipped: \(entry)") }
        // Dependencies first: a dependent's run is judged once theirs are counted.
        let canaries = Canary.inDependencyOrder(try select(loaded.canaries).map(options.overriding))
        // Every canary loaded, selected or not: one whose file is gone leaves the outputs. Then the
        // loaded array goes: with its growth room it was 8 MB of the peak at 10,000 canaries.
        let inventory = CanaryInventory(loaded.canaries)
        loaded.canaries = []
        for warning in Canary.shortSecretWarnings(canaries, environment: ProcessInfo.processInfo.environment) {
            Console.error("warning: \(warning)")
        }
        let invalid = !loaded.problems.isEmpty

        guard let lock = try await RunLock.acquire(directory: options.results, timeout: options.wait ? options.lockTimeout : .zero) else {
            let holder = RunLock.holder(of: options.results)
            Console.error(options.wait
                ? "run: results folder \(options.results) is still in use by \(holder) after --lock-timeout \(options.lockTimeout.humanText); "
                    + "give this run its own --results, or wait longer with a larger --lock-timeout"
                : "run: results folder \(options.results) is in use by \(holder) (--no-wait given)")
            return 3
        }
        let store = try ResultsStore(
            directory: options.results,
            options: RecordingOptions(keep: options.keep, maxSnapshotBytes: options.maxSnapshotBytes, artifacts: options.artifacts, retention: options.retention))
        let engine = try CurlEngine()
        var settings = options.outputs
        settings.invalidFiles = Dictionary(grouping: loaded.problems, by: \.location.file).sorted { $0.key < $1.key }
            .map { (file: $0.key, message: $0.value.map { "\($0)" }.joined(separator: "\n")) }
        // After the engine started: it raised the soft open-file limit to the hard one.
        let (jobs, jobsNotice) = DescriptorBudget.current().cap(jobs: options.jobs)
        if let jobsNotice { Console.error("notice: \(jobsNotice)") }
        let outputs = RunOutputs(
            directory: options.results, settings: settings, engine: engine, canaries: canaries, loadingStateWhileRunning: ())
        // Scheduled canaries nothing ran for two due times (cron stopped calling) are missing data.
        _ = await outputs.checkMissedWhileStopped(canaries)
        await outputs.setInventory(inventory)
        let screenshots = ScreenshotSetup.pass(options, canaries: canaries)
        // The batch takes the canaries and lets each go as it starts; what is needed of them
        // later is taken now (the CI reports' places only when one is asked for).
        let total = canaries.count
        let reportCanaries = options.reports.isEmpty ? [] : canaries
        let gate = DependencyGate(batch: canaries)
        let dependsOn = Dictionary(canaries.lazy.filter { !$0.dependsOn.isEmpty }.map { ($0.name, $0.dependsOn) }, uniquingKeysWith: { first, _ in first })
        let pending = CanaryBatch(consume canaries)
        var runSettings = RunSettings(variables: options.variables, caFile: options.caFile, maxBodyBytes: options.maxBodyBytes)
        await BrowserPool.shared.configure(jobs: options.browserJobs, executable: options.browser)
        runSettings.retryInterval = options.retryInterval
        runSettings.traceFormats = options.traceFormats
        runSettings.proxy = options.proxy
        let runner = Runner(engine: engine, settings: runSettings)

        let clock = ContinuousClock()
        let started = clock.now
        Console.progress("[0/\(total)] running…")
        let batch = Task { [self] in
            await runBatch(pending, gate: gate, dependsOn: dependsOn, jobs: jobs, runner: runner, store: store, outputs: outputs, screenshots: screenshots)
        }
        stop.onStop { batch.cancel() }
        var tally = await batch.value
        store.close()
        await outputs.setResultsBytes(store.bytes)
        do {
            // Every run the batch logged has been added: the state's mark can be the log's end.
            for warning in try await outputs.finish(everyLoggedRunAdded: true) { Console.error("warning: \(warning)") }
        } catch {
            tally.recordingError = tally.recordingError ?? error
        }
        engine.shutdown()
        withExtendedLifetime(lock) {}

        Console.clearProgress()
        let elapsed = (clock.now - started).milliseconds
        let signal = stop.signal
        let summaryOfRuns = BatchSummary(runs: tally.records, notStarted: total - tally.ran, wallTimeMs: elapsed)
        do {
            try RunReports.write(options.reports, batch: summaryOfRuns, canaries: reportCanaries)
        } catch {
            tally.recordingError = tally.recordingError ?? error
        }
        if !options.quiet || tally.failed > 0 || tally.inconclusive > 0 || invalid || signal != nil {
            var summary = ConsoleReport.summary(passed: tally.passed, failed: tally.failed, inconclusive: tally.inconclusive, elapsedMs: elapsed)
            if let stopper = signal.map(RunStop.name) ?? (tally.failedFast ? "--fail-fast" : nil) {
                summary += "; stopped by \(stopper): \(tally.cancelled) cancelled, "
                    + "\(total - tally.passed - tally.failed - tally.inconclusive - tally.cancelled) not started"
            }
            // Lines stream in the order runs end; the block lists them by name, so two logs diff cleanly.
            if total > 1, !tally.notPassed.isEmpty {
                Console.line("failed, by name:")
                for record in JUnitReport.inNameOrder(tally.notPassed) { Console.line(Console.marked("  " + ConsoleReport.line(for: record))) }
            }
            Console.line(Console.summary(summary, failed: tally.failed))
        }
        if invalid { Console.error("\(counted(loaded.problems.count, "problem", "problems")) in canary files; see above") }
        if let recordingError = tally.recordingError {
            Console.error("run: \(recordingError)")
            return 2
        }
        if let signal { return 128 + signal }
        if invalid { return 2 }
        return tally.failed > 0 ? 1 : (tally.inconclusive > 0 ? RunCommand.inconclusiveExit : 0)
    }

    /// What the batch came to.
    private struct Tally {
        var passed = 0, failed = 0, cancelled = 0
        /// The runner lacked a descriptor, port or memory: neither passed nor failed.
        var inconclusive = 0
        var recordingError: (any Error)?
        /// The failed and inconclusive runs (redacted), for the summary block.
        var notPassed: [RunRecord] = []
        /// Every run (redacted), for the CI reports; kept only when one is asked for (10,000
        /// records are megabytes a plain run does not need).
        var records: [RunRecord] = []
        /// Runs that ended (any outcome).
        var ran = 0
        /// --fail-fast stopped the batch after a failure.
        var failedFast = false
    }

    /// Runs and records every canary, printing each as it ends; cancelling the task stops it.
    /// A run with screenshots due renders them off its --jobs slot, before it is recorded.
    private func runBatch(
        _ canaries: CanaryBatch, gate: DependencyGate, dependsOn: [String: [String]], jobs: Int, runner: Runner, store: ResultsStore,
        outputs: RunOutputs, screenshots: ScreenshotPass
    ) async -> Tally {
        var tally = Tally()
        // Recording waits for the disk (fsync): off the slot, so the next canary runs meanwhile;
        // at most `jobs` runs wait so, beyond that a run waits on its slot. Not a failure under
        // --fail-fast: it must be consumed (and cancel the batch) before the next canary starts.
        let failFast = options.failFast
        let offSlot = { @Sendable (ran: RunResult) in
            screenshots.hasWork(ran) || ((!failFast || ran.record.passed) && store.recordsOffSlot(ran, limit: jobs))
        }
        await runner.run(canaries, jobs: jobs, finishesOffSlot: offSlot) { ran -> (RunResult, RecordingError?) in
            var result = screenshots.hasWork(ran) ? await screenshots.process(ran) : ran
            // A dependent is judged once its dependencies in the batch are counted (started
            // before it, so they hold their own slots).
            await gate.wait(for: dependsOn[result.record.canary] ?? [])
            result.record.suppressedBy = await outputs.suppressors(of: result.record.canary)
            do throws(RecordingError) {
                try await store.record(result)
                return (result, nil)
            } catch {
                return (result, error)
            }
        } consume: { _, finished in
            let (result, failedRecording) = finished
            if result.record.cancelled == true {
                tally.cancelled += 1
            } else if result.record.passed {
                tally.passed += 1
            } else if result.record.isInconclusive {
                tally.inconclusive += 1
            } else {
                tally.failed += 1
            }
            if let failedRecording { tally.recordingError = tally.recordingError ?? failedRecording }
            let record = Redactor(secrets: result.secrets).redact(result.record)
            if !record.passed, record.cancelled != true { tally.notPassed.append(record) }
            tally.ran += 1
            if !options.reports.isEmpty { tally.records.append(record) }
            if options.failFast, !record.passed, record.cancelled != true, !record.isInconclusive, !tally.failedFast {
                // Cancels this batch: no canary starts, the running ones end as cancelled.
                tally.failedFast = true
                withUnsafeCurrentTask { $0?.cancel() }
            }
            await outputs.add(record)
            await gate.counted(record.canary)
            report(result, redacted: record)
            Console.progress("[\(tally.passed + tally.failed + tally.inconclusive)/\(canaries.count)] \(tally.passed) passed, \(tally.failed) failed")
        }
        return tally
    }

    private func report(_ result: RunResult, redacted record: RunRecord) {
        ScreenshotSetup.warn(about: record)
        guard !options.quiet || !record.passed else { return }
        Console.line(Console.marked(ConsoleReport.line(for: record)))
        if let where_ = showHint(for: record) { Console.line(where_) }
        if options.verbose { Console.line(Console.marked(ConsoleReport.verbose(result))) }
    }

    /// Under a failed run's line, the command that shows what was sent and received: every run is
    /// kept (unless --no-results removes the folder at exit). With --artifacts none no exchange is,
    /// but `show` still prints each step's URL, timings and failures from the run's record.
    private func showHint(for record: RunRecord) -> String? {
        guard !record.passed, !record.isInconclusive, !options.noResults else { return nil }
        let results = options.results == RunOptions().results ? "" : " --results " + ShellWord.quoted(options.results)
        return "    see: canary show \(ShellWord.quoted(record.canary)) --run \(record.runId)\(results)"
    }

    /// --only, --tag, --shard, --location; naming a canary that does not exist is a usage error.
    private func select(_ canaries: [Canary]) throws -> [Canary] {
        let known = Set(canaries.map(\.name) + canaries.compactMap(\.matrixBase))
        for name in options.only where !known.contains(name) {
            throw UsageError("run: --only \(name): no such canary" + NameSuggestion.hint(for: name, among: known.sorted()))
        }
        let selected = options.prepare(canaries)
        try StartChecks.selection(selected, of: canaries, options: options, command: "run")
        try StartChecks.environment(of: selected, command: "run")
        try StartChecks.unusedVariables(options, by: selected, command: "run")
        return selected
    }
}

/// `canary validate`: every problem in every file; exit 0 or 2.
struct ValidateCommand {
    let options: RunOptions

    func execute() -> Int32 {
        let loaded = CanaryLoader.load(paths: options.paths, variables: options.variables, environment: ProcessInfo.processInfo.environment)
        for problem in loaded.problems { Console.line("\(problem)") }
        for warning in loaded.warnings { Console.line("warning: \(warning)") }
        for entry in loaded.skipped { Console.line("skipped: \(entry)") }
        for canary in loaded.canaries {
            for step in canary.steps where step.assertions.isEmpty {
                let place = step.location.map { "\($0)" } ?? canary.file
                Console.line("\(place): warning: step '\(step.name)' of '\(canary.name)' asserts nothing: it passes on any 2xx or 3xx answer; add an expect")
            }
        }
        if let problem = missingBrowser(for: loaded.canaries) { Console.line(problem) }
        if loaded.problems.isEmpty {
            Console.line("\(counted(loaded.canaries.count, "canary", "canaries")) valid")
            return 0
        }
        Console.line("\(counted(loaded.problems.count, "problem", "problems")); \(counted(loaded.canaries.count, "canary", "canaries")) valid")
        return 2
    }
}

extension ValidateCommand {
    /// Browser steps need Chromium on this machine: say which package when it is missing.
    func missingBrowser(for canaries: [Canary]) -> String? {
        let browserSteps = canaries.flatMap { canary in
            canary.steps.filter { if case .browser = $0.kind { true } else { false } }.map { (canary, $0) }
        }
        guard let (canary, step) = browserSteps.first else { return nil }
        let executable = options.browser ?? Screenshotter.find()?.executable
        if let executable, FileManager.default.isExecutableFile(atPath: executable) { return nil }
        let place = step.location.map { "\($0)" } ?? canary.file
        let which = options.browser.map { "--browser \($0) is not an executable file" } ?? BrowserPool.missingBrowser
        let others = browserSteps.count > 1 ? " (and \(browserSteps.count - 1) more browser step\(browserSteps.count == 2 ? "" : "s"))" : ""
        return "\(place): warning: browser step '\(step.name)' of '\(canary.name)'\(others) needs Chromium: \(which)"
    }
}

/// `canary list`: name, steps, schedule, next run time.
struct ListCommand {
    let options: RunOptions

    func execute() -> Int32 {
        let loaded = CanaryLoader.load(paths: options.paths, variables: options.variables)
        for problem in loaded.problems { Console.error("invalid: \(problem)") }
        for entry in loaded.skipped { Console.error("skipped: \(entry)") }
        let now = Date()
        let rows = options.prepare(loaded.canaries).map { canary -> [String] in
            [canary.name, "\(canary.steps.count)", canary.schedule?.description ?? "-", nextRuns(canary.schedule, after: now)]
        }
        for line in Table.render(header: ["NAME", "STEPS", "SCHEDULE", "NEXT RUNS (UTC)"], rows: rows) {
            Console.line(line)
        }
        return loaded.problems.isEmpty ? 0 : 2
    }

    /// The next three fire times, or "-" without a schedule.
    private func nextRuns(_ schedule: Schedule?, after now: Date) -> String {
        guard let schedule else { return "-" }
        var times: [String] = []
        var date = now
        while times.count < 3, let next = schedule.nextFire(after: date) {
            times.append(next.formatted(.iso8601))
            date = next
        }
        return times.joined(separator: ", ")
    }
}

/// Left-aligned columns separated by two spaces.
enum Table {
    static func render(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
