import CanaryKit
import CurlEngine
import Foundation

/// `canary schedule`: each canary on its own schedule until SIGTERM/SIGINT; SIGHUP reloads.
/// Records, state, metrics and events are written exactly as `run` writes them.
struct ScheduleCommand {
    static let flags: Set<String> = [
        "--allow-shared-results", "--results-mode", "--pass-env",
        "--var", "--jobs", "--results", "--only", "--tag", "--cacert", "--proxy", "--keep", "--artifacts", "--retain", "--max-bytes", "--max-snapshot-bytes",
        "--max-body-bytes", "--pushgateway", "--webhook", "--alertmanager", "--report-url", "--on-alarm", "--run-events", "--sink-timeout", "--sink-max-age", "--account", "--forget-after", "--on-alarm-arg", "--on-run", "--on-run-arg",
        "--shard", "--location", "--maintenance", "--log-format", "--stop-timeout", "--screenshots", "--screenshot-jobs", "--browser-jobs", "--screenshot-timeout", "--browser", "--allow-unused-vars", "--secrets-file", "--listen", "--trace", "--otlp", "--emf", "--emf-namespace",
    ]
    /// `run`'s options that a daemon has no use for, with the reason given when they are passed.
    static let runOnly: [String: String] = [
        "--verbose": "the daemon logs one line per run; the whole run is in the results folder (run.json, the .http snapshots)",
        "--quiet": "the daemon logs one line per run and lifecycle event; filter them with --log-format json",
        "--junit": "JUnit XML describes one batch, and a daemon's batch never ends",
        "--no-wait": "schedule never waits for the results folder: it exits 3 at once when another canary process holds it",
    ]
    let options: RunOptions

    func execute() async throws -> Int32 {
        ResultsAccess.configure(fileMode: options.resultsMode, allowShared: options.allowSharedResults)
        ChildEnvironment.configure(passing: options.passEnvironment)
        let log = ScheduleLog(json: options.logJSON)
        try StartChecks.caFile(options.caFile, command: "schedule")
        let signals = signalStream([SIGTERM, SIGINT, SIGHUP])
        guard let lock = try ResultsLock(directory: options.results, wait: false) else {
            Console.error("schedule: results folder \(options.results) is in use by another canary process")
            return 3
        }
        let (first, unscheduled, loadedNow) = load(log: log, keeping: [:], options: options)
        guard !first.isEmpty else {
            log.event("stopped", "no valid canary with a schedule to run")
            return 2
        }
        let store = try ResultsStore(
            directory: options.results, options: RecordingOptions(keep: options.keep, maxSnapshotBytes: options.maxSnapshotBytes, artifacts: options.artifacts, retention: options.retention))
        let engine = try CurlEngine()
        let outputs = try RunOutputs(directory: options.results, settings: options.outputs, engine: engine, canaries: Array(first.values))
        // Runs missed while the daemon was stopped are missing data, before the first run counts.
        for (name, missed) in await outputs.checkMissedWhileStopped(Array(first.values)) {
            log.event("missed", "\(name): missed \(missed) scheduled runs while canary schedule was not running", [("canary", .string(name))])
        }
        await outputs.setInventory(CanaryInventory(loadedNow))
        var settings = RunSettings(variables: options.variables, caFile: options.caFile, maxBodyBytes: options.maxBodyBytes)
        await BrowserPool.shared.configure(jobs: options.browserJobs, executable: options.browser)
        settings.secretNames = Set(first.values.flatMap(\.secretNames))
        settings.traceFormats = options.traceFormats
        settings.proxy = options.proxy
        for warning in Canary.shortSecretWarnings(Array(first.values), environment: settings.environment) {
            log.event("warning", warning)
        }
        let runner = Runner(engine: engine, settings: settings)
        // Canaries due together (10,000 at the top of the minute) start at most `jobs` at a time,
        // and `jobs` fits the open-file limit the engine raised: the rest wait their turn.
        let (jobs, jobsNotice) = DescriptorBudget.current().cap(jobs: options.jobs)
        if let jobsNotice { log.event("notice", jobsNotice) }
        let screenshots = ScreenshotSetup.pass(options, canaries: Array(first.values))
        let daemon = Daemon(runner: runner, store: store, outputs: outputs, log: log, jobs: jobs, screenshots: screenshots)
        let listener = try startListener(log: log)
        await daemon.install(first)
        await daemon.attach(listener?.board)
        let notRun = unscheduled > 0 ? " (\(unscheduled) without a schedule not run)" : ""
        log.event("started", "\(counted(first.count, "canary", "canaries"))\(notRun), --jobs \(jobs), results in \(options.results)")
        await daemon.warnIfTheyCannotFit()

        let control = Task {
            var reloading = self.options
            for await number in signals {
                if number == SIGHUP {
                    // The --maintenance files again; a broken one keeps the windows read before.
                    do throws(UsageError) {
                        var windows: [FleetMaintenance] = []
                        for path in reloading.maintenanceFiles { windows += try RunOptions.maintenanceFile(path, command: "schedule") }
                        reloading.maintenance = windows
                    } catch {
                        log.event("invalid", "\(error) (keeping the maintenance windows read before)")
                    }
                    let current = await daemon.canariesByFile()
                    let (next, _, loadedNow) = load(log: log, keeping: current, options: reloading)
                    await outputs.setRules(from: Array(next.values))
                    await daemon.install(next)
                    // Canaries whose file is gone leave the outputs after --forget-after.
                    await outputs.setInventory(CanaryInventory(loadedNow + Array(next.values)))
                } else {
                    log.event("stopping", "\(number == SIGTERM ? "SIGTERM" : "SIGINT"): no new runs or attempts; "
                        + "runs in flight get --stop-timeout \(options.stopTimeout.humanText), then are cancelled")
                    await daemon.stop()
                    return
                }
            }
        }
        await daemon.loop(stopTimeout: options.stopTimeout)
        control.cancel()
        listener?.server.stop()
        store.close()
        await outputs.setResultsBytes(store.bytes)
        for warning in (try? await outputs.finish()) ?? [] { log.event("warning", warning) }
        engine.shutdown()
        withExtendedLifetime(lock) {}
        log.event("stopped", "every record written")
        return 0
    }

    /// The valid canaries with a schedule, by file, and how many valid ones have none (each is
    /// logged as not run). A file that is now invalid keeps its last good version (from
    /// `keeping`), and says so; a file that is gone is dropped. Also every canary loaded now,
    /// scheduled or not, for removing those whose file is gone.
    private func load(log: ScheduleLog, keeping current: [String: Canary], options: RunOptions) -> (byFile: [String: Canary], unscheduled: Int, loaded: [Canary]) {
        // On a name clash the file that held the name keeps it: the same version runs on every reload.
        let holders = Dictionary(current.map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let loaded = CanaryLoader.load(paths: options.paths, definedVariables: Set(options.variables.keys), nameHolders: holders)
        var byFile: [String: Canary] = [:]
        var unscheduled = 0
        for canary in options.prepare(loaded.canaries) {
            guard canary.schedule != nil else {
                unscheduled += 1
                log.event("unscheduled", "\(canary.name) (\(canary.file)): no 'schedule', so `canary schedule` does not run it; "
                    + "add one such as schedule: \"rate(5 minutes)\", or run it with `canary run`", [("canary", .string(canary.name))])
                continue
            }
            byFile[canary.file] = canary
        }
        for problem in loaded.problems {
            let file = problem.location.file
            if let kept = current[file] {
                byFile[file] = kept
                log.event("invalid", "\(problem) (keeping the last good version of \(kept.name))")
            } else {
                log.event("invalid", "\(problem)")
            }
        }
        return (byFile, unscheduled, loaded.canaries)
    }
}

/// The running scheduler: the book of due times, the runs in flight, and the flushes.
actor Daemon {
    private let runner: Runner
    private let store: ResultsStore
    private let outputs: RunOutputs
    private let log: ScheduleLog
    private let jobs: Int
    private var screenshots: ScreenshotPass
    /// Runs that ended and wait for their screenshots: they no longer hold a --jobs slot.
    private var rendering: Set<String> = []
    private var book = ScheduleBook()
    private var byFile: [String: Canary] = [:]
    private var running: [String: Task<Void, Never>] = [:]
    /// Whether the last check found the measured work above `--jobs` (to log each crossing once).
    private var overloaded = false
    private var stopping = false
    /// Read by runs in flight before each retry; cleared on SIGTERM.
    private let retrying = RetryGate()
    private var dirty = false
    private var flushing = false
    private var lastFlush = ContinuousClock.now
    private var lastRemovalCheck = ContinuousClock.now
    private var lastEventsCheck = ContinuousClock.now
    /// `--listen`: where the runs and metrics are published for the listener, and when last.
    private var board: StatusBoard?
    private var boardDirty = false
    private var lastPublish = ContinuousClock.now

    init(runner: Runner, store: ResultsStore, outputs: RunOutputs, log: ScheduleLog, jobs: Int, screenshots: ScreenshotPass) {
        self.screenshots = screenshots
        self.runner = runner
        self.store = store
        self.outputs = outputs
        self.log = log
        self.jobs = jobs
    }

    func canariesByFile() -> [String: Canary] { byFile }

    /// From now on the runs and metrics are published on `board` (the first publish makes it ready).
    func attach(_ board: StatusBoard?) {
        self.board = board
        boardDirty = board != nil
    }

    /// Puts `next` on the book: new canaries start, changed ones take effect from their next run,
    /// and canaries no longer present stop being scheduled.
    func install(_ next: [String: Canary]) {
        let now = Date()
        let names = Set(next.values.map(\.name))
        let removed = book.names.filter { !names.contains($0) }
        for name in removed { book.remove(name) }
        let known = Set(book.names)
        for canary in next.values { book.update(canary, now: now) }
        if !byFile.isEmpty {
            let added = names.subtracting(known).sorted()
            // Only the lists that have names: "added: ; removed: " read like a bug.
            let changes = [("added", added), ("removed", removed)].filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1.joined(separator: ", "))" }
            log.event("reloaded", "\(counted(names.count, "canary", "canaries")); " + (changes.isEmpty ? "none added or removed" : changes.joined(separator: "; ")),
                      [("added", .array(added.map { .string($0) })), ("removed", .array(removed.map { .string($0) }))])
        }
        byFile = next
        screenshots = screenshots.reloaded(Array(next.values))
    }

    func stop() {
        stopping = true
        retrying.stop()
    }

    /// At start: would the canaries fit in `--jobs` slots if every run took its whole timeout?
    func warnIfTheyCannotFit() {
        let worst = book.worstCaseSlots
        guard worst > Double(jobs) else { return }
        log.event("warning", "if every run lasted its whole timeout, the canaries would need \(Self.slots(worst)) slots at once and --jobs is \(jobs): "
            + "slow targets would make others wait and skip runs (canary_scheduler_skipped_runs_total); size --jobs by work per interval (README, Sizing --jobs)")
    }

    /// Wakes at the next due time (at most every 250 ms, to notice signals; at least 20 ms apart,
    /// since a run ending starts what is due too), starts what is due, and after SIGTERM waits
    /// for the runs in flight. With 10,000 canaries something is due every few milliseconds: a
    /// wake every 5 ms was 200 wakes a second, each a timer, a thread switch and a tick.
    func loop(stopTimeout: Duration) async {
        while !stopping {
            await tick()
            await flushIfDue()
            await publishIfDue()
            let wait = min(max((book.nextDue ?? Date().addingTimeInterval(1)).timeIntervalSince(Date()), 0.02), 0.25)
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
        let inFlight = Array(running.values)
        // Past the stop timeout the runs are cancelled; a cancelled run ends at once and is
        // recorded as cancelled (never as a failure of its target).
        let deadline = Task {
            try await Task.sleep(for: stopTimeout)
            for task in inFlight { task.cancel() }
        }
        for task in inFlight { await task.value }
        deadline.cancel()
        await outputs.setScheduler(schedulerMetrics())
        dirty = false
    }

    /// Starts what is due into the free slots (oldest due first) and logs what was skipped.
    private func tick() async {
        guard !stopping else { return }
        // A run rendering its screenshots holds no --jobs slot.
        let (start, notes) = book.due(at: Date(), slots: max(0, jobs - running.count + rendering.count))
        for note in notes {
            switch note {
            case .skipped(let canary, .running, let seconds):
                log.event("skipped", "\(canary): still running when due (for \(Self.seconds(seconds)))",
                          [("canary", .string(canary)), ("reason", .string("running"))])
            case .skipped(let canary, .queue, let seconds):
                log.event("skipped", "\(canary): queue full for \(Self.seconds(seconds)) (all \(jobs) --jobs slots busy)",
                          [("canary", .string(canary)), ("reason", .string("queue"))])
            case .missedTwo(let canary):
                log.event("missed", "\(canary): missed 2 scheduled runs in a row", [("canary", .string(canary))])
                await outputs.missedRuns(canary)
                dirty = true
            }
        }
        for canary in start { launch(canary) }
    }

    private func launch(_ canary: Canary) {
        let runner = self.runner, screenshots = self.screenshots, retrying = self.retrying
        boardDirty = true
        running[canary.name] = Task {
            let began = ContinuousClock.now
            var result = await runner.run(canary, retrying: { retrying.allowed })
            let seconds = (ContinuousClock.now - began).milliseconds / 1000
            if screenshots.hasWork(result) {
                self.rendering.insert(canary.name)
                result = await screenshots.process(result)
            }
            await self.finished(result, seconds: seconds, hasDependencies: !canary.dependsOn.isEmpty)
        }
    }

    private func finished(_ ran: RunResult, seconds: Double, hasDependencies: Bool) async {
        var result = ran
        let name = result.record.canary
        // Asked only when there is something to ask: a hop to the outputs per run otherwise.
        if hasDependencies { result.record.suppressedBy = await outputs.suppressors(of: name) }
        rendering.remove(name)
        let record: RunRecord
        do {
            record = try await store.record(result)
        } catch {
            log.event("error", "recording \(name): \(error)")
            record = Redactor(secrets: result.secrets).redact(result.record)
        }
        await outputs.add(record)
        log.run(record)
        for step in record.steps {
            if let problem = step.screenshot?.error { log.event("warning", "screenshot of \(name) step \(step.name): \(problem)") }
        }
        book.finished(name, seconds: seconds)
        running[name] = nil
        dirty = true
        board?.add(record, secrets: result.secrets)
        boardDirty = true
        await tick()
    }

    /// Whether a removed canary's grace has ended. It reads every canary's state, and the loop
    /// passes here every few milliseconds while runs end: at most once a second (a removal then
    /// goes out within two seconds of its grace, not one). With 10,000 canaries, asking on every
    /// pass was a sixth of the scheduler's CPU (bench/soak.sh, perf).
    private func removalCheck() async -> Bool {
        guard ContinuousClock.now - lastRemovalCheck >= .seconds(1) else { return false }
        lastRemovalCheck = ContinuousClock.now
        return await outputs.removalDue
    }

    /// State, metrics and sinks off the loop (a slow webhook must not delay runs): within a second
    /// when events wait to go out or a removed canary's grace ended, otherwise every 10 s. Rewriting state.json and metrics.prom
    /// for 1,000 canaries every second cost a fifth of a core; SIGTERM still writes everything.
    private func flushIfDue() async {
        guard !flushing else { return }
        if !dirty {
            // Events a sink refused wait in the outbox; retry them when due, without a flush.
            guard ContinuousClock.now - lastFlush >= .seconds(1) else { return }
            // A canary whose file is gone has reached the end of its grace: write it out.
            let removalDue = await removalCheck(), eventsWaiting = await outputs.hasPendingEvents
            if removalDue || eventsWaiting {
                dirty = true
                return
            }
            guard await outputs.outboxDue else { return }
            flushing = true
            lastFlush = ContinuousClock.now
            let outputs = self.outputs, log = self.log
            Task {
                for warning in await outputs.retryOutbox() { log.event("warning", warning) }
                self.flushed()
            }
            return
        }
        let since = ContinuousClock.now - lastFlush
        if since < .seconds(10) {
            // Between 1 and 10 s after a flush, whether events wait is asked at most every 200 ms:
            // the loop passes here every few milliseconds while runs start and end, and each
            // question is a hop to the outputs' actor.
            guard since >= .seconds(1), ContinuousClock.now - lastEventsCheck >= .milliseconds(200) else { return }
            lastEventsCheck = ContinuousClock.now
            if await !outputs.hasPendingEvents {
                guard await removalCheck() else { return }
            }
        }
        dirty = false
        flushing = true
        lastFlush = ContinuousClock.now
        await outputs.setScheduler(schedulerMetrics())
        await outputs.setResultsBytes(store.bytes)
        let outputs = self.outputs, log = self.log
        Task {
            do {
                for warning in try await outputs.finish() { log.event("warning", warning) }
            } catch {
                log.event("error", "writing state and metrics: \(error)")
            }
            self.flushed()
        }
    }

    private func flushed() { flushing = false }

    /// The listener's snapshot, at most every 200 ms after something changed (a run started or
    /// ended): metrics are computed here, off the listener, and the listener only copies them.
    private func publishIfDue() async {
        guard let board, boardDirty, ContinuousClock.now - lastPublish >= .milliseconds(200) else { return }
        boardDirty = false
        lastPublish = ContinuousClock.now
        let metrics = await outputs.metricsSnapshot()
        let scheduler = SchedulerMetrics(jobs: jobs, neededSlots: book.neededSlots, skipped: book.skippedTotals)
        let inFlight = running.count - rendering.count, delay = book.queueDelay, bytes = store.bytes
        board.update { snapshot in
            snapshot.canaries = metrics
            snapshot.scheduler = scheduler
            snapshot.runsInFlight = inFlight
            snapshot.queueDelaySeconds = delay.seconds
            snapshot.queueDelayCount = delay.runs
            snapshot.resultsBytes = bytes
            snapshot.ready = true
        }
    }

    /// The scheduler's own series for metrics.prom; logs when the measured work crosses `--jobs`.
    private func schedulerMetrics() -> SchedulerMetrics {
        let needed = book.neededSlots
        if (needed > Double(jobs)) != overloaded {
            overloaded.toggle()
            log.event("warning", overloaded
                ? "the canaries need about \(Self.slots(needed)) slots (mean run time / interval, summed) and --jobs is \(jobs): runs wait and some are skipped; raise --jobs"
                : "the canaries fit in --jobs \(jobs) again (about \(Self.slots(needed)) slots needed)")
        }
        return SchedulerMetrics(jobs: jobs, neededSlots: needed, skipped: book.skippedTotals)
    }

    private static func seconds(_ value: Double) -> String { ConsoleReport.formatMilliseconds(value * 1000) }

    /// Whole slots, rounded up: 2.1 slots of work need 3.
    private static func slots(_ value: Double) -> String { String(Int(value.rounded(.up))) }
}
