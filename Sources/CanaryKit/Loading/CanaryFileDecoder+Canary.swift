/// The top level of a canary file: name, schedule, limits, tags, variables, defaults, alarm, steps.
extension CanaryFileDecoder {
    /// The canary, or nil when something required is missing. Check `problems` too: a canary
    /// with any problem must not be used.
    func decodeCanary(_ root: LocatedJSON, defaultName: String) -> Canary? {
        canaryName = defaultName
        guard let members = root.objectMembers else {
            report("a canary file holds one object {\"steps\": […]}, found \(root.foundDescription)", at: root.location)
            return nil
        }
        // Problems found before `name` is decoded (unknown keys) already name the canary.
        if case .string(let written)? = members.first(where: { $0.key == "name" })?.value.kind { canaryName = written }
        guard let fields = fields(root, in: "the canary", allowed: Shapes.canary.keys) else { return nil }
        let base = decodeName(fields, defaultName: defaultName)
        let name = base + (matrix?.suffix ?? "")
        canaryName = name
        var canary = Canary(name: name, file: file, steps: [])
        if let value = fields["variables"] { canary.variables = decodeVariables(value) }
        if let matrix {
            canary.matrixBase = base
            canary.variables.merge(matrix.variables) { _, fromMatrix in fromMatrix }
            if name.count > Self.maximumNameLength {
                report("the canary name '\(Self.excerpt(name))' of \(matrix.place) is \(name.count) characters long; at most \(Self.maximumNameLength): shorten the name or the entry names", at: nameLocation)
            }
        }
        fileVariables = canary.variables
        knownNames = Set(canary.variables.keys).union(definedVariables)
        if let value = fields["variables"] { checkVariableTemplates(value, canary.variables) }
        if let value = fields["description"] { canary.description = string(value, for: "'description'") }
        if let value = fields["schedule"] { canary.schedule = decodeSchedule(value) }
        if let value = fields["timeout"], let timeout = positiveDuration(value, for: "the canary 'timeout'") {
            canary.timeout = timeout
        }
        if let value = fields["retries"], let retries = integer(value, for: "'retries'", in: 0...10) {
            canary.retries = retries
        }
        checkRunFitsSchedule(canary, at: fields["timeout"]?.location ?? fields["schedule"]?.location ?? fileStart)
        if let value = fields["tags"] { canary.tags = decodeTags(value) }
        // The entries as tags too, so metrics and events can be grouped by them.
        for entry in matrix?.entries ?? [] where !canary.tags.contains(where: { $0.key == entry.key }) {
            canary.tags.append((key: entry.key, value: entry.name))
        }
        if let value = fields["defaults"] { canary.defaults = decodeDefaults(value) }
        if let value = fields["trace"] { canary.trace = decodeTrace(value) }
        if let value = fields["cookies"] { canary.cookies = bool(value, for: "'cookies'") ?? false }
        if let value = fields["alarm"], let alarm = decodeAlarm(value) { canary.alarm = alarm }
        if let value = fields["maintenance"] { canary.maintenance = decodeMaintenance(value) }
        if let value = fields["dependsOn"] { (canary.dependsOn, canary.dependsOnPlaces) = decodeDependsOn(value) }
        guard let steps = fields["steps"] else {
            report("the canary has no 'steps'; add \"steps\": [{\"request\": {\"url\": \"…\"}}]", at: root.location)
            return nil
        }
        canary.steps = decodeSteps(steps)
        if !canary.cookies { checkCookiesNeedJar(canary.steps, at: steps.location) }
        return canary
    }

    /// `expect.cookies` and `capture: {cookie: …}` read the run's jar, which only `cookies: true` keeps.
    private func checkCookiesNeedJar(_ steps: [Step], at fallback: SourceLocation) {
        for step in steps {
            let check = (step.assertions + step.warnings).first { if case .cookie = $0.query { true } else { false } }
            let capture = step.captures.first { if case .cookie = $0.source { true } else { false } }
            guard check != nil || capture != nil else { continue }
            let what = check != nil ? "'cookies' checks read cookies" : "capture '\(capture?.name ?? "")' reads a cookie"
            stepName = step.name
            report("\(what), but the canary keeps no cookie jar; add \"cookies\": true to the canary",
                   at: check?.location ?? step.location ?? fallback)
            stepName = nil
            return
        }
    }

    private func decodeName(_ fields: Fields, defaultName: String) -> String {
        guard let value = fields["name"] else {
            checkName(defaultName, kind: "canary (taken from the file name; set \"name\" to choose another)", at: fileStart)
            return defaultName
        }
        guard let name = string(value, for: "'name'") else { return defaultName }
        nameLocation = value.location
        checkName(name, kind: "canary", at: value.location)
        return name
    }

    /// A run that can outlast the time between runs is still going when the next falls due, and
    /// that next run is skipped: rarely what the author meant, so a warning.
    private func checkRunFitsSchedule(_ canary: Canary, at location: SourceLocation) {
        guard let schedule = canary.schedule, let interval = ScheduleBook.interval(schedule),
              canary.worstCaseSeconds > interval else { return }
        let attempts = canary.retries + 1
        let run = "timeout \(canary.timeout.humanText)" + (attempts > 1 ? " × \(attempts) attempts" : "")
        warn("\(run) is longer than the \(Duration.milliseconds(interval * 1000).humanText) between runs of \(schedule): "
            + "under `canary schedule` a run still going when the next falls due makes that next run skipped "
            + "(logged, counted in canary_scheduler_skipped_runs_total{reason=\"running\"}, not missing data); "
            + "shorten the timeout or lengthen the schedule", at: location)
    }

    /// `trace: "w3c,xray"` (or a list `["w3c", "xray"]`), `"none"` for no trace headers.
    func decodeTrace(_ value: LocatedJSON) -> [TraceFormat]? {
        let words: [String]
        switch value.kind {
        case .string(let text): words = [text]
        case .array(let items): words = items.compactMap { string($0, for: "a format in 'trace'", like: "w3c") }
        default:
            report("expected a string like \"w3c,xray\" for 'trace', found \(value.foundDescription)", at: value.location)
            return nil
        }
        guard let formats = TraceFormat.list(words.joined(separator: ",")) else {
            report("'trace' takes \(TraceFormat.choices), found \"\(Self.excerpt(words.joined(separator: ",")))\"", at: value.location)
            return nil
        }
        return formats
    }

    private func decodeVariables(_ value: LocatedJSON) -> [String: String] {
        var variables: [String: String] = [:]
        for member in map(value, in: "'variables'") ?? [] {
            if !Template.isValidName(member.key) {
                report("variable name '\(Self.excerpt(member.key))' can't be used as {{\(Self.excerpt(member.key))}}; use letters, digits, '_' and '-'", at: member.keyLocation)
            }
            if let text = text(member.value, for: "variable '\(member.key)'") { variables[member.key] = text }
        }
        return variables
    }

    func decodeTags(_ value: LocatedJSON) -> [(key: String, value: String)] {
        (map(value, in: "'tags'") ?? []).compactMap { member in
            text(member.value, for: "tag '\(member.key)'").map { (key: member.key, value: $0) }
        }
    }

    private func decodeSchedule(_ value: LocatedJSON) -> Schedule? {
        guard let text = string(value, for: "'schedule'", like: "rate(5 minutes)") else { return nil }
        do {
            return try Schedule.parse(text)
        } catch {
            // The message quotes the text; a mangled file's megabyte or control characters are cut short.
            let message = Self.excerpt(text) != text ? "'\(Self.excerpt(text))' is not rate(…) or cron(…)" : error.message
            report("invalid schedule: \(message)", at: value.location)
            return nil
        }
    }

    private func decodeAlarm(_ value: LocatedJSON) -> AlarmRule? {
        guard let fields = fields(value, in: "'alarm'", allowed: Shapes.alarm.keys) else { return nil }
        var rule = AlarmRule()
        if let locations = fields["locations"] { rule.locationsFailing = quorum(locations) }
        if let flag = fields["flakyFails"] { rule.flakyFails = bool(flag, for: "'flakyFails'") ?? false }
        if let flag = fields["degradedFails"] { rule.degradedFails = bool(flag, for: "'degradedFails'") ?? false }
        if let every = fields["remindEvery"] { rule.remindEvery = positiveDuration(every, for: "'remindEvery'") }
        if let severity = fields["severity"] {
            rule.severity = self.severity(severity) ?? rule.severity
        }
        if let periods = fields["evaluationPeriods"] {
            rule.evaluationPeriods = integer(periods, for: "'evaluationPeriods'", in: 1...1000) ?? rule.evaluationPeriods
        }
        if let datapoints = fields["datapointsToAlarm"] {
            rule.datapointsToAlarm = integer(datapoints, for: "'datapointsToAlarm'", in: 1...1000) ?? rule.datapointsToAlarm
        }
        if rule.datapointsToAlarm > rule.evaluationPeriods {
            report(
                "'datapointsToAlarm' (\(rule.datapointsToAlarm)) can't exceed 'evaluationPeriods' (\(rule.evaluationPeriods)): it counts failures among the last evaluationPeriods runs",
                at: fields.keyLocation("datapointsToAlarm"))
            return nil
        }
        return rule
    }

    private func decodeSteps(_ value: LocatedJSON) -> [Step] {
        guard case .array(let items) = value.kind else {
            report("expected an array of steps for 'steps', found \(value.foundDescription)", at: value.location)
            return []
        }
        guard !items.isEmpty else {
            report("'steps' is empty; a canary needs at least one step", at: value.location)
            return []
        }
        laterCaptures = Self.captureNames(in: items)
        var usedNames = UsedNames()
        return items.enumerated().compactMap { index, item in
            decodeStep(item, number: index + 1, usedNames: &usedNames)
        }
    }

    /// Capture name → the step that captures it (first one), scanned before decoding so that a
    /// use before the capture can say where the capture is.
    private static func captureNames(in steps: [LocatedJSON]) -> [String: String] {
        var names: [String: String] = [:]
        for (index, step) in steps.enumerated() {
            guard let members = step.objectMembers else { continue }
            var stepName = "step-\(index + 1)"
            if let name = members.first(where: { $0.key == "name" }), case .string(let text) = name.value.kind { stepName = text }
            let captures = members.first { $0.key == "capture" }?.value.objectMembers ?? []
            for capture in captures where names[capture.key] == nil { names[capture.key] = stepName }
        }
        return names
    }

    /// `dependsOn: ["egress-dns"]`: names and where each is written (checked across files by
    /// `DependencyCheck` once every file is loaded).
    private func decodeDependsOn(_ value: LocatedJSON) -> ([String], [SourceLocation]) {
        guard case .array(let items) = value.kind else {
            report("'dependsOn' is a list of canary names such as [\"egress-dns\"], found \(value.foundDescription)", at: value.location)
            return ([], [])
        }
        let named = items.compactMap { item in string(item, for: "a name in 'dependsOn'", like: "egress-dns").map { ($0, item.location) } }
        return (named.map(\.0), named.map(\.1))
    }

    /// `alarm.locations: {failing: 2}`: how many locations in ALARM make the verdict.
    private func quorum(_ value: LocatedJSON) -> Int? {
        guard let fields = fields(value, in: "'alarm.locations'", allowed: Shapes.alarmLocations.keys) else { return nil }
        guard let failing = fields["failing"] else {
            report("'alarm.locations' needs 'failing', how many locations in ALARM make the verdict: {\"failing\": 2}", at: value.location)
            return nil
        }
        return integer(failing, for: "'alarm.locations.failing'", in: 1...1000)
    }

    /// A label value for Alertmanager routes to match: short and printable.
    private func severity(_ value: LocatedJSON) -> String? {
        guard let text = string(value, for: "'severity'", like: "critical") else { return nil }
        guard (1...40).contains(text.count), text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            report("'severity' is a word such as critical, warning or info (letters, digits, - and _, at most 40), found \"\(Self.excerpt(text))\"", at: value.location)
            return nil
        }
        return text
    }
}
