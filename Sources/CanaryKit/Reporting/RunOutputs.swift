import CurlEngine
import Foundation

/// Folds each finished run into the canary's alarm state and collects what the batch must
/// emit; `finish()` writes and sends it. Sinks are slow or broken at times: they run after the
/// canaries, bounded by their timeouts, and their failures come back as warnings.
public actor RunOutputs {
    private let directory: String
    private let settings: OutputSettings
    private let engine: CurlEngine
    private var rules: [String: AlarmRule]
    /// Each canary's `dependsOn`, by name.
    private var dependencies: [String: [String]]
    /// nil while `state.json` is still loading in the background; changes wait in `pending`.
    private var states: [String: CanaryState]?
    private var stateLoad: Task<Loaded, any Error>?
    /// Every run logged before this position of the run log is in the states (see `StateRebuild`).
    private var safeMark: LogPosition
    /// The mark of the flush before: saved one flush later still, since a run logged just before a
    /// flush (the last one on SIGTERM comes right after another) may reach `add` only after the next.
    private var earlierMark: LogPosition
    private var pending: [(record: RunRecord?, canary: String, now: Date)] = []
    /// The check for runs missed while stopped, waiting for the states to load.
    private var missedCheck: (canaries: [Canary], now: Date)?
    private var events: [AlarmEvent] = []
    /// `canary run` with events for events.jsonl alone: they wait there as lines, not in `events`.
    private let spill: EventSpill?
    private var records: [RunRecord] = []
    private var touched: [String] = []
    /// The tags of the canaries loaded now, by name: one that has not run yet has metrics too.
    private var loadedTags: [String: [String: String]]
    /// Canaries pushed to the Pushgateway by this process: each goes once even before it runs.
    private var pushedOnce: Set<String> = []
    /// Whether the Pushgateway is failing, to warn once per outage instead of per canary and flush.
    private var pushgatewayHealth = PushgatewayHealth()
    /// The scheduler's own series, written at the end of metrics.prom.
    private var scheduler: SchedulerMetrics?
    /// `canary_results_bytes`, once the store said.
    private var resultsBytes: Int?
    /// The outbox of this process, and its delivery pass in progress: passes run one after the
    /// other, so one canary's events never race each other to a sink.
    private let outbox: Outbox
    private var delivery: Task<[String], Never>?
    /// Every canary loaded now (selected or not), to find those whose file is gone; nil: none is.
    private var inventory: CanaryInventory?
    /// Removed canaries (name, location) whose Pushgateway group the next `finish` deletes.
    private var removedGroups: [(canary: String, location: String?)] = []
    /// When this batch began: JUnit's total time is the wall time since (runs overlap; their sum is not).
    private let started = ContinuousClock.now
    /// Alerts for Alertmanager, and its post in progress: posts run in order too, so a resolved
    /// alert never overtakes the firing one before it.
    private var alerts = AlertmanagerQueue()
    private var alertPost: Task<[(url: String, problem: String?)], Never>?
    /// Spans and metrics over OTLP (`--otlp`), queued by `add`, sent by `finish`.
    private let otlp: OTLPExporter?
    /// Why appending to `--emf` failed, warned about once at the next `finish`.
    private var emfProblem: String?
    /// Each canary's lines of state.json and metrics.prom, kept from the second `finish` on (the
    /// scheduler's flushes); nil before, as `canary run` finishes once.
    private var rendered: RenderedCanaries?

    /// Loads `state.json` now: an unreadable one throws, to be shown before anything runs (the
    /// scheduler refuses to start on it).
    public init(directory: String, settings: OutputSettings, engine: CurlEngine, canaries: [Canary]) throws(StateFileError) {
        let end = StateRebuild.logSize(directory: directory)
        let loaded = try Self.load(directory: directory, rules: Self.rules(of: canaries), end: end)
        self.init(directory: directory, settings: settings, engine: engine, canaries: canaries,
                  states: loaded.states, stateLoad: nil, end: end, events: loaded.events)
    }

    /// Loads `state.json` while the canaries run (for 10,000 canaries it took 0.4 s before the
    /// first could start); an unreadable one throws from `finish()`, after the runs are recorded,
    /// and is left as it was.
    public init(directory: String, settings: OutputSettings, engine: CurlEngine, canaries: [Canary], loadingStateWhileRunning: Void) {
        // Measured before any run of this process can log: the rebuild stops there, and this
        // process's own runs come through `add`.
        let end = StateRebuild.logSize(directory: directory)
        let rules = Self.rules(of: canaries)
        self.init(directory: directory, settings: settings, engine: engine, canaries: canaries,
                  states: nil, stateLoad: Task.detached { try Self.load(directory: directory, rules: rules, end: end) }, end: end,
                  spillingEvents: settings.webhooks.isEmpty && settings.onAlarm?.isEmpty ?? true && settings.onRun?.isEmpty ?? true)
        // Runs that end before the states are there wait in `pending` as whole records: counted
        // as soon as the states are loaded, not at `finish` (at 10,000 canaries every run waited
        // there, 4-6 MB of the peak). An unreadable state.json still throws from `finish`.
        Task { [weak self] in _ = try? await self?.loadedStates() }
    }

    /// state.json, and the runs of the run log up to `end` that it had not counted yet.
    private struct Loaded: Sendable {
        var states: [String: CanaryState]
        var events: [AlarmEvent]
    }

    private static func load(directory: String, rules: [String: AlarmRule], end: LogPosition) throws(StateFileError) -> Loaded {
        var states = try StateFile.load(directory: directory)
        let mark = StateRebuild.savedMark(directory: directory)
        let events = StateRebuild.replay(into: &states, directory: directory, from: mark, to: end, rules: rules)
        return Loaded(states: states, events: events)
    }

    private init(
        directory: String, settings: OutputSettings, engine: CurlEngine, canaries: [Canary],
        states: [String: CanaryState]?, stateLoad: Task<Loaded, any Error>?, end: LogPosition, events: [AlarmEvent] = [],
        spillingEvents: Bool = false
    ) {
        spill = spillingEvents ? EventSpill(directory: directory) : nil
        safeMark = end
        earlierMark = end
        self.events = events
        self.directory = directory
        self.settings = settings
        self.engine = engine
        rules = Self.rules(of: canaries)
        dependencies = Self.dependencies(of: canaries)
        loadedTags = Self.tags(of: canaries)
        // Only Alertmanager's alerts read it (100 bytes a canary otherwise kept for nothing).
        if !settings.alertmanagers.isEmpty { alerts.configure(canaries) }
        self.states = states
        self.stateLoad = stateLoad
        outbox = Outbox(directory: directory)
        otlp = settings.otlp.map { OTLPExporter(config: $0, engine: engine, timeout: settings.sinkTimeout) }
    }

    /// The rules that are not the default one (`rules[name] ?? AlarmRule()` reads them): most
    /// canaries have the default, and an entry each was 140 bytes a canary of `canary run`'s peak.
    private static func rules(of canaries: [Canary]) -> [String: AlarmRule] {
        let initial = AlarmRule()
        return Dictionary(canaries.map { ($0.name, $0.alarm) }, uniquingKeysWith: { first, _ in first }).filter { $0.value != initial }
    }

    /// Only the canaries that have a `dependsOn`, as `rules`.
    private static func dependencies(of canaries: [Canary]) -> [String: [String]] {
        Dictionary(canaries.map { ($0.name, $0.dependsOn) }, uniquingKeysWith: { first, _ in first }).filter { !$0.value.isEmpty }
    }

    /// The dependencies of `canary` in ALARM now (its run's `suppressedBy`); nil when none is.
    public func suppressors(of canary: String) async -> [String]? {
        guard let names = dependencies[canary], !names.isEmpty else { return nil }
        let states = (try? await loadedStates()) ?? [:]
        let alarming = names.filter { states[$0]?.state == .alarm }
        return alarming.isEmpty ? nil : alarming
    }

    private static func tags(of canaries: [Canary]) -> [String: [String: String]] {
        Dictionary(canaries.map { canary in
            (canary.name, Dictionary(canary.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }))
        }, uniquingKeysWith: { first, _ in first })
    }

    /// The states, once loaded, with the changes that waited for them applied.
    private func loadedStates() async throws -> [String: CanaryState] {
        if let states { return states }
        var loaded = try await stateLoad?.value ?? Loaded(states: [:], events: [])
        // Another caller got here first while this one waited (the actor is reentrant): the
        // states are in place, with the waiting changes applied; taking the loaded ones again
        // would lose those changes and replay the log's events twice.
        if let states { return states }
        stateLoad = nil
        states = loaded.states
        // One copy of the states: the first change below would otherwise copy all of them (5 MB at 10,000).
        loaded.states = [:]
        events = loaded.events + events
        if let check = missedCheck { _ = checkMissedWhileStopped(check.canaries, now: check.now) }
        missedCheck = nil
        for change in pending {
            if let record = change.record { add(record, now: change.now) } else { missedRuns(change.canary, now: change.now) }
        }
        pending = []
        return states ?? loaded.states
    }

    /// After a reload: alarm rules come from the canaries' current versions.
    public func setRules(from canaries: [Canary]) {
        rules = Self.rules(of: canaries)
        dependencies = Self.dependencies(of: canaries)
        loadedTags = Self.tags(of: canaries)
        // Only Alertmanager's alerts read it (100 bytes a canary otherwise kept for nothing).
        if !settings.alertmanagers.isEmpty { alerts.configure(canaries) }
        rendered?.changedAll()
    }

    /// Counts one finished run (its record already redacted).
    public func add(_ record: RunRecord, now: Date = Date()) {
        guard states != nil else { return pending.append((record, record.canary, now)) }
        let previous = states?[record.canary] ?? CanaryState()
        let (next, event) = AlarmEvaluator.record(record, rule: rules[record.canary] ?? AlarmRule(), into: previous, now: now)
        states?[record.canary] = next
        rendered?.changed(record.canary)
        if let event { events.append(event) }
        let every = rules[record.canary]?.remindEvery
        if let reminder = AlarmReminder.event(for: record, before: previous, after: next, every: every, now: now) { events.append(reminder) }
        if !settings.alertmanagers.isEmpty { alerts.add(record, before: previous, after: next, reportURL: settings.reportURL, now: now) }
        if settings.runEvents { events.append(AlarmEvent.runFinished(record, now: now)) }
        otlp?.add(record)
        if let path = settings.emfPath { appendEMF(record, to: path) }
        // Only JUnit needs every record; the scheduler runs for weeks without --junit.
        if settings.junitPath != nil { records.append(record) }
        touched.append(record.canary)
        spillEvents()
    }

    /// Moves the events gathered so far to the spill, in order, when there is one.
    private func spillEvents() {
        guard let spill, !events.isEmpty else { return }
        for var event in events {
            event.account = settings.account
            spill.append(event)
        }
        events = []
    }

    /// The run's EMF lines, in one write (lines of runs ending together never interleave).
    private func appendEMF(_ record: RunRecord, to path: String) {
        let lines = EMF.lines(record, namespace: settings.emfNamespace)
        guard !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n") + "\n"
        do {
            if path == "-" { try FileIO.writeAll(STDOUT_FILENO, Array(text.utf8), path: "stdout") } else { try OutputFile.append(text, to: path) }
        } catch {
            emfProblem = emfProblem ?? "--emf \(path): \(error)"
        }
    }

    /// `canary schedule`: its skipped runs and load, for the next metrics.prom.
    public func setScheduler(_ metrics: SchedulerMetrics) {
        scheduler = metrics
    }

    /// What the results store holds (`ResultsStore.bytes`), for the next metrics.prom.
    public func setResultsBytes(_ bytes: Int) {
        resultsBytes = bytes
    }

    /// Events not yet delivered: the scheduler flushes sooner when there are some.
    public var hasPendingEvents: Bool { !events.isEmpty || (spill?.count ?? 0) > 0 || !alerts.pending.isEmpty }

    /// An undelivered event in the outbox is due for another attempt.
    public var outboxDue: Bool {
        get async {
            let now = Date().timeIntervalSince1970
            return await outbox.all().contains { $0.notBefore <= now }
        }
    }

    /// Another delivery pass over the outbox, without writing state or metrics: the scheduler
    /// calls it between flushes while events wait for a sink.
    public func retryOutbox() async -> [String] {
        let deadline = ContinuousClock.now + settings.sinkTimeout
        let sinks = makeSinks()
        let previous = delivery
        let pass = Task {
            _ = await previous?.value
            return await sinks.drain(until: deadline)
        }
        delivery = pass
        return await pass.value
    }

    private func makeSinks() -> EventSinks {
        EventSinks(
            resultsDirectory: directory, webhooks: settings.webhooks, onAlarm: settings.onAlarm, onRun: settings.onRun,
            engine: engine, timeout: settings.sinkTimeout, maxAge: settings.sinkMaxAge, outbox: outbox)
    }

    /// The scheduler saw `canary` miss two runs in a row.
    public func missedRuns(_ canary: String, now: Date = Date(), reason: String = "missed 2 scheduled runs in a row") {
        guard states != nil else { return pending.append((nil, canary, now)) }
        let (next, event) = AlarmEvaluator.missedRuns(canary: canary, into: states?[canary] ?? CanaryState(), now: now, reason: reason)
        states?[canary] = next
        rendered?.changed(canary)
        if let event { events.append(event) }
        touched.append(canary)
        spillEvents()
    }

    /// On start: each of `canaries` whose last run is older than two due times of its schedule
    /// (nothing ran it meanwhile) goes to INSUFFICIENT_DATA before this process's runs count.
    /// Returns (canary, due times missed) for the log; empty while the states load (the check
    /// then runs when they are there).
    public func checkMissedWhileStopped(_ canaries: [Canary], now: Date = Date()) -> [(canary: String, missed: Int)] {
        guard let states else {
            // Only scheduled canaries can miss a run: all of them were kept while the states
            // loaded (5 MB at 10,000 canaries, at the moment memory peaks when state.json is big).
            missedCheck = (canaries.filter { $0.schedule != nil }, now)
            return []
        }
        let found = AlarmEvaluator.missedWhileStopped(canaries, states: states, now: now)
        for (canary, _, reason) in found { missedRuns(canary, now: now, reason: reason) }
        return found.map { ($0.canary, $0.missed) }
    }

    /// The canaries loaded now, selected or not: a canary in the states that is not among them and
    /// whose file is gone is removed after `--forget-after` (see `CanaryRemoval`).
    public func setInventory(_ inventory: CanaryInventory, now: Date = Date()) {
        self.inventory = inventory
        sweepRemoved(now: now)
    }

    /// A canary found gone has reached the end of its grace: the scheduler flushes to remove it.
    public var removalDue: Bool { states.map { CanaryRemoval.due($0, grace: settings.forgetAfter, now: Date()) } ?? false }

    private func sweepRemoved(now: Date) {
        guard let inventory, var current = states else { return }
        states = nil // one copy of the states, mutated in place
        let removed = CanaryRemoval.sweep(&current, inventory: inventory, grace: settings.forgetAfter, now: now, changed: { rendered?.changed($0) })
        states = current
        for gone in removed { dropped(gone.name, gone.state, event: gone.event) }
    }

    private func dropped(_ name: String, _ state: CanaryState, event: AlarmEvent) {
        events.append(event)
        spillEvents()
        removedGroups.append((name, state.tags["location"]))
        pushedOnce.remove(name)
    }

    /// `canary forget`: removes each of `names` (state, metrics, Pushgateway group, with a
    /// `Canary Removed` event) at the next `finish`. Returns the names it does not know, and
    /// removes nothing then.
    public func forget(_ names: [String], now: Date = Date()) async throws -> (unknown: [String], known: [String]) {
        let current = try await loadedStates()
        let unknown = names.filter { current[$0] == nil }
        guard unknown.isEmpty else { return (unknown, current.keys.sorted()) }
        for name in names {
            guard let state = states?.removeValue(forKey: name) else { continue }
            rendered?.changed(name)
            let event = CanaryRemoval.removalEvent(name, state, reason: "forgotten by hand (canary forget)", now: now)
            dropped(name, state, event: event)
        }
        return ([], current.keys.sorted())
    }

    /// Each canary's metrics now, as the next metrics.prom will hold them (the scheduler's
    /// listener serves them between flushes).
    public func metricsSnapshot() -> [CanaryMetrics] {
        currentMetrics(states ?? [:])
    }

    private func currentMetrics(_ states: [String: CanaryState]) -> [CanaryMetrics] {
        var metrics = states.map { name, state in Self.metrics(name, state: state, loadedTags: loadedTags[name]) }
        // Loaded but never run: INSUFFICIENT_DATA from the start, so an alert rule sees it.
        for (name, tags) in loadedTags where states[name] == nil {
            metrics.append(Self.metrics(name, state: nil, loadedTags: tags))
        }
        return metrics
    }

    /// Renders the lines of the canaries that changed since the last flush (see `RenderedCanaries`).
    private func refreshRendered(_ states: [String: CanaryState]) throws(RecordingError) {
        let tags = loadedTags, path = directory + "/" + StateFile.fileName
        try rendered?.refresh(every: { Set(states.keys).union(tags.keys) }) { name throws(RecordingError) in
            let state = states[name]
            guard state != nil || tags[name] != nil else { return nil }
            var line: [UInt8]?
            if let state { line = try StateFile.member(name, state, path: path) }
            return (line, Self.metrics(name, state: state, loadedTags: tags[name]))
        }
    }

    /// A canary's metrics from its state, or for one loaded but never run (`state` nil).
    private static func metrics(_ name: String, state: CanaryState?, loadedTags: [String: String]?) -> CanaryMetrics {
        guard let state else {
            return CanaryMetrics(canary: name, tags: loadedTags ?? [:], last: nil, runsPassed: 0, runsFailed: 0,
                                 alarmState: AlarmState.insufficientData.rawValue)
        }
        var metrics = state.last.map {
            CanaryMetrics(last: $0, runsPassed: state.runsPassed, runsFailed: state.runsFailed, alarmState: state.state.rawValue)
        } ?? CanaryMetrics(canary: name, tags: loadedTags ?? state.tags, last: nil, runsPassed: state.runsPassed,
                           runsFailed: state.runsFailed, alarmState: state.state.rawValue)
        metrics.runsInconclusive = state.runsInconclusive
        metrics.inMaintenance = state.maintenance == true
        metrics.runsFlaky = state.runsFlaky
        return metrics
    }

    /// Writes state.json, metrics.prom and JUnit, then delivers events and pushes metrics; what
    /// was delivered is not sent again by the next call (the scheduler calls this repeatedly).
    /// Returns warnings for the console; throws only when a file in the results folder can't be written.
    /// `everyLoggedRunAdded`: every run in the run log so far has come through `add` (`canary run`
    /// after its batch), so the mark saved with state.json is the log's end and the next start
    /// replays nothing; otherwise it lags two calls behind (see below).
    public func finish(everyLoggedRunAdded: Bool = false) async throws -> [String] {
        _ = try await loadedStates()
        sweepRemoved(now: Date())
        let states = self.states ?? [:]
        let removedGroups = self.removedGroups
        self.removedGroups = []
        // All of them for the sinks, and for the files unless they were rendered before.
        let metrics = rendered == nil || settings.pushgateway != nil || otlp != nil ? currentMetrics(states) : []
        try refreshRendered(states)
        let rendered = self.rendered
        var warnings: [String] = []
        let sinks = makeSinks()
        // Moved out, not mapped: a copy of 10,000 events was 2.5 MB beside them on the peak.
        spillEvents()
        var batch: [AlarmEvent] = []
        swap(&batch, &events)
        for index in batch.indices { batch[index].account = settings.account }
        let pushed = settings.pushgateway == nil ? [] : Set(touched).union(metrics.lazy.map(\.canary).filter { !self.pushedOnce.contains($0) })
        pushedOnce.formUnion(pushed)
        touched = []
        // Logged and queued durably before state.json counts their runs: a crash in between
        // makes them again from the run log (same ids), instead of losing them.
        warnings += await sinks.record(batch)
        batch = []
        if let spill { warnings += sinks.record(spilled: spill) }
        // A lagging mark: runs logged since the last call may still be on their way to `add`.
        // Two flushes back: reading more of the log on start is always right (runs already
        // counted are recognised by run id), reading too little loses an outcome.
        let mark: LogPosition
        if everyLoggedRunAdded {
            mark = StateRebuild.logSize(directory: directory)
            (earlierMark, safeMark) = (mark, mark)
        } else {
            mark = earlierMark
            earlierMark = safeMark
            safeMark = StateRebuild.logSize(directory: directory)
        }

        // The two files on two cores: for 10,000 canaries each took a few hundred ms.
        let directory = self.directory
        async let stateSaved: Void = Task.detached {
            if let rendered {
                try StateFile.save(directory: directory) { (emit: (ArraySlice<UInt8>) throws(RecordingError) -> Void) throws(RecordingError) in
                    for entry in rendered.ordered where !entry.stateLine.isEmpty { try emit(entry.stateLine) }
                }
            } else {
                try StateFile.save(states, directory: directory)
            }
            try StateRebuild.saveMark(mark, directory: directory)
        }.value
        let trailer = (scheduler?.prometheusText ?? "") + (resultsBytes.map(StoreMetrics.prometheusText) ?? "")
        if let rendered {
            try PrometheusText.write(families: rendered.metricsByFamily(), to: directory, trailer: trailer)
        } else {
            try PrometheusText.write(metrics, to: directory, trailer: trailer)
        }
        try await stateSaved
        // From now on (the scheduler's next flushes) each canary's lines are kept and only the
        // canaries that changed are rendered again.
        if self.rendered == nil { self.rendered = RenderedCanaries() }
        if let path = settings.junitPath {
            let wallTime = (ContinuousClock.now - started).milliseconds
            try JUnitReport.write(records, invalidFiles: settings.invalidFiles, wallTimeMs: wallTime, to: path)
        }

        // Sent after the pass before this one has ended, within this call's own deadline,
        // whatever the earlier pass took.
        let deadline = ContinuousClock.now + settings.sinkTimeout
        let previous = delivery
        let pass = Task {
            _ = await previous?.value
            return await sinks.drain(until: deadline)
        }
        delivery = pass
        async let delivered = pass.value
        let alertBatch = alerts.take()
        let previousPost = alertPost
        let post = AlertmanagerPost(urls: settings.alertmanagers, engine: engine, timeout: settings.sinkTimeout)
        let posting = Task {
            _ = await previousPost?.value
            return await post.send(alertBatch)
        }
        alertPost = posting
        let otlp = self.otlp
        async let exported = otlp?.export(metrics: metrics, until: deadline) ?? []
        if let url = settings.pushgateway {
            let gateway = Pushgateway(url: url, engine: engine, timeout: settings.sinkTimeout)
            let attempted = metrics.filter { pushed.contains($0.canary) }
            let problems = await withTaskGroup(of: String?.self) { group in
                for metric in attempted {
                    group.addTask { await gateway.push(metric) }
                }
                for (canary, location) in removedGroups {
                    group.addTask { await gateway.delete(canary: canary, location: location) }
                }
                var problems: [String] = []
                for await problem in group { if let problem { problems.append(problem) } }
                return problems
            }
            warnings += pushgatewayHealth.lines(after: problems, of: attempted.count + removedGroups.count, gateway: URLMasking.masked(url))
        }
        warnings += await delivered
        warnings += await exported
        if let problem = emfProblem {
            warnings.append(problem)
            emfProblem = nil
        }
        warnings += alerts.lines(after: await posting.value, count: alertBatch.count)
        return warnings
    }
}
