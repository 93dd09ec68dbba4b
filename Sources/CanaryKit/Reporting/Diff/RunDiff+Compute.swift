import CurlEngine

extension RunDiff {
    /// `before` → `after`, steps matched by name in `after`'s order, then steps only `before` had.
    public init(from before: ShownRun, to after: ShownRun) {
        canary = after.record.canary
        runs = Change(before: before.record.runId, after: after.record.runId)
        outcome = Change(before: before.outcome, after: after.outcome)
        withoutExchanges = [before, after].filter { !$0.exchangesKept }.map(\.record.runId)
        let old = before.steps
        var steps: [StepChange] = []
        for (offset, new) in after.steps.enumerated() {
            if let match = old.first(where: { $0.step.name == new.step.name }) {
                steps.append(Self.step(index: offset + 1, match, new))
            } else {
                steps.append(Self.only(index: offset + 1, new.step, in: after.record.runId))
            }
        }
        for (offset, gone) in old.enumerated() where !after.record.steps.contains(where: { $0.name == gone.step.name }) {
            steps.append(Self.only(index: offset + 1, gone.step, in: before.record.runId))
        }
        self.steps = steps
    }

    private static func only(index: Int, _ step: StepRecord, in runId: String) -> StepChange {
        StepChange(index: index, name: step.name, headers: [], timings: [], onlyIn: runId)
    }

    private static func step(index: Int, _ a: ShownStep, _ b: ShownStep) -> StepChange {
        var change = StepChange(index: index, name: b.step.name, headers: [], timings: [])
        change.outcome = differs(a.step.outcome.rawValue, b.step.outcome.rawValue)
        change.failure = differs(failure(a.step), failure(b.step))
        // A step one run never sent (skipped, or stopped before sending) has no status, timings
        // or certificate to compare: its outcome and failure say what happened.
        guard a.step.request != nil, b.step.request != nil else { return change }
        change.timings = phases(a.step.timings, b.step.timings)
        change.status = differs(a.step.statusCode, b.step.statusCode)
        change.certificate = differs(a.step.response?.certificateNotAfter, b.step.response?.certificateNotAfter)
        change.certificateFields = certificateFields(a.step.response?.tls, b.step.response?.tls)
        if let x = a.exchange?.response, let y = b.exchange?.response, x.status > 0 || y.status > 0 {
            change.headers = headers(x.headers, y.headers)
            change.body = body(x.content, y.content)
        }
        return change
    }

    private static func differs<Value: Equatable>(_ a: Value, _ b: Value) -> Change<Value>? {
        a == b ? nil : Change(before: a, after: b)
    }

    private static func failure(_ step: StepRecord) -> String? {
        step.error ?? step.failures.first?.message
    }

    /// A renewed or replaced certificate: who it names and who issued it, not only its expiry.
    static func certificateFields(_ a: TLSRecord?, _ b: TLSRecord?) -> [FieldChange] {
        let fields: [(String, (TLSRecord) -> String?)] = [
            ("subject", { $0.subject.isEmpty ? nil : $0.subject }), ("issuer", { $0.issuer.isEmpty ? nil : $0.issuer }),
            ("subjectAltNames", { $0.subjectAltNames.isEmpty ? nil : $0.subjectAltNames.joined(separator: ", ") }),
            ("notBefore", \.notBefore), ("chainNotAfter", \.chainNotAfter),
        ]
        return fields.compactMap { field, value in
            let (x, y) = (a.flatMap(value), b.flatMap(value))
            return x == y ? nil : FieldChange(field: field, before: x, after: y)
        }
    }

    static func phases(_ a: Timings, _ b: Timings) -> [PhaseTiming] {
        [("dns", \Timings.dns), ("connect", \.connect), ("tls", \.tls), ("firstByte", \.firstByte), ("transfer", \.transfer), ("total", \.total)]
            .map { PhaseTiming(phase: $0.0, before: a[keyPath: $0.1], after: b[keyPath: $0.1]) }
    }

    /// By lowercased name; a header sent several times compares as its values joined by ", ".
    static func headers(_ a: [StoredExchange.NameValue], _ b: [StoredExchange.NameValue]) -> [HeaderChange] {
        func grouped(_ list: [StoredExchange.NameValue]) -> (order: [String], values: [String: (name: String, value: String)]) {
            var order: [String] = []
            var values: [String: (name: String, value: String)] = [:]
            for header in list {
                let key = header.name.lowercased()
                if let seen = values[key] {
                    values[key] = (seen.name, seen.value + ", " + header.value)
                } else {
                    order.append(key)
                    values[key] = (header.name, header.value)
                }
            }
            return (order, values)
        }
        let (oldOrder, old) = grouped(a)
        let (newOrder, new) = grouped(b)
        var changes: [HeaderChange] = []
        for key in newOrder {
            guard let now = new[key] else { continue }
            if let was = old[key] {
                if was.value != now.value { changes.append(.changed(name: now.name, before: was.value, after: now.value)) }
            } else {
                changes.append(.added(name: now.name, value: now.value))
            }
        }
        for key in oldOrder where new[key] == nil {
            if let was = old[key] { changes.append(.removed(name: was.name, value: was.value)) }
        }
        return changes
    }

    static func body(_ a: StoredExchange.Content, _ b: StoredExchange.Content) -> BodyChange? {
        guard !a.isBinary, !b.isBinary else {
            return a.size == b.size && a.text == b.text ? nil : .size(Change(before: a.size, after: b.size))
        }
        let x = a.bodyText ?? "", y = b.bodyText ?? ""
        guard x != y else { return nil }
        if isJSONDocument(x), isJSONDocument(y), let old = try? JSON5.parseJSON(Array(x.utf8)), let new = try? JSON5.parseJSON(Array(y.utf8)) {
            let changes = JSONDiff.changes(old, new)
            return changes.isEmpty ? nil : .json(Array(changes.prefix(maximumDiffLines)), more: max(0, changes.count - maximumDiffLines))
        }
        let lines = UnifiedDiff.lines(
            PrintableText.lines(of: x).prefix(maximumComparedLines).map(String.init),
            PrintableText.lines(of: y).prefix(maximumComparedLines).map(String.init))
        return .text(Array(lines.prefix(maximumDiffLines)), more: max(0, lines.count - maximumDiffLines))
    }

    /// An object or array: a bare string or number body reads better as text.
    private static func isJSONDocument(_ text: String) -> Bool {
        text.drop { $0.isWhitespace }.first.map { $0 == "{" || $0 == "[" } ?? false
    }
}
