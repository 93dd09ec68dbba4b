import Foundation

/// `maintenance: [{cron: "0 2 * * 0", duration: "2h"}, {from: "…Z", to: "…Z"}]`.
extension CanaryFileDecoder {
    func decodeMaintenance(_ value: LocatedJSON) -> [MaintenanceWindow] {
        guard case .array(let items) = value.kind else {
            report("'maintenance' is a list of windows such as [{\"cron\": \"0 2 * * 0\", \"duration\": \"2h\"}], found \(value.foundDescription)", at: value.location)
            return []
        }
        return items.compactMap(decodeWindow)
    }

    private func decodeWindow(_ value: LocatedJSON) -> MaintenanceWindow? {
        guard let fields = fields(value, in: "a maintenance window", allowed: Shapes.maintenanceWindow.keys) else { return nil }
        return window(fields, at: value)
    }

    /// A window of `--maintenance FILE`: one of the canary file's, with `tags` that select the
    /// canaries it applies to (all of them without).
    func decodeFleetWindow(_ value: LocatedJSON) -> FleetMaintenance? {
        guard let fields = fields(value, in: "a maintenance window", allowed: Shapes.fleetWindow.keys) else { return nil }
        let tags = fields["tags"].map(decodeTags) ?? []
        return window(fields, at: value).map { FleetMaintenance(window: $0, tags: tags) }
    }

    private func window(_ fields: Fields, at value: LocatedJSON) -> MaintenanceWindow? {
        switch (fields["cron"], fields["duration"], fields["from"], fields["to"]) {
        case (let cron?, let duration?, nil, nil):
            guard let text = string(cron, for: "the window's 'cron'", like: "0 2 * * 0"),
                let length = positiveDuration(duration, for: "the window's 'duration'")
            else { return nil }
            do {
                return .recurring(try CronExpression.parse(fields: text, source: text), duration: length)
            } catch {
                report("the window's 'cron': \(error.message)", at: cron.location)
                return nil
            }
        case (nil, nil, let from?, let to?):
            guard let start = instant(from, for: "'from'"), let end = instant(to, for: "'to'") else { return nil }
            guard start < end else {
                report("the window's 'to' must come after its 'from'", at: to.location)
                return nil
            }
            return .once(from: start, to: end)
        default:
            report("a maintenance window is {\"cron\": \"0 2 * * 0\", \"duration\": \"2h\"} or {\"from\": \"2026-12-01T02:00:00Z\", \"to\": \"2026-12-01T04:00:00Z\"}", at: value.location)
            return nil
        }
    }

    private func instant(_ value: LocatedJSON, for what: String) -> Date? {
        guard let text = string(value, for: "the window's \(what)", like: "2026-12-01T02:00:00Z") else { return nil }
        guard let date = RunID.date(fromISO8601: text) else {
            report("the window's \(what): '\(Self.excerpt(text))' is not an ISO 8601 UTC time such as 2026-12-01T02:00:00Z", at: value.location)
            return nil
        }
        return date
    }
}
