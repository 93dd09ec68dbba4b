import Foundation

/// The one place secrets are masked. Every value substituted from `{{secret.X}}` becomes `***`
/// wherever it appears (also percent- or JSON-encoded), and the values of credential headers are
/// masked whole.
public struct Redactor: Sendable {
    public static let mask = "***"
    /// Header names whose values are never shown, compared lowercased.
    public static let sensitiveHeaders: Set<String> = ["authorization", "cookie", "set-cookie", "proxy-authorization"]

    /// Longest first, so a secret that contains another is masked whole.
    private let needles: [String]

    public init(secrets: Set<String>) {
        var forms = Set<String>()
        for secret in secrets where !secret.isEmpty {
            forms.insert(secret)
            forms.insert(RequestBuilder.percentEncode(secret))
            forms.insert(JSON5.serialize(.string(secret)).dropFirst().dropLast().description)
        }
        needles = forms.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// Whether there is anything to mask besides credential headers.
    public var isEmpty: Bool { needles.isEmpty }

    public func redact(_ text: String) -> String {
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Self.mask)
        }
        return result
    }

    public func redact(_ text: String?) -> String? {
        text.map { redact($0) }
    }

    /// A header value as it may be shown: credentials masked, secrets masked.
    public func redactHeader(name: String, value: String) -> String {
        Self.sensitiveHeaders.contains(name.lowercased()) ? Self.mask : redact(value)
    }

    /// `Name: value` as sent or received, with the value masked as `redactHeader` does.
    public func redactHeaderLine(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return redact(line) }
        let name = String(line[..<colon])
        // Trimmed by hand: Foundation's trimmingCharacters(in:) was a visible cost per header.
        var value = line[line.index(after: colon)...]
        while let first = value.first, first == " " || first == "\t" { value = value.dropFirst() }
        while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
        return "\(name): \(redactHeader(name: name, value: String(value)))"
    }

    /// Raw bytes with every occurrence of a secret's bytes masked (binary bodies).
    public func redact(bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for needle in needles.map({ Array($0.utf8) }) where !needle.isEmpty {
            var out: [UInt8] = []
            out.reserveCapacity(result.count)
            var index = 0
            while index < result.count {
                if result[index] == needle[0], index + needle.count <= result.count,
                   result[index..<index + needle.count].elementsEqual(needle) {
                    out += Self.mask.utf8
                    index += needle.count
                } else {
                    out.append(result[index])
                    index += 1
                }
            }
            result = out
        }
        return result
    }

    /// The record with every free-text field masked.
    public func redact(_ record: RunRecord) -> RunRecord {
        var record = record
        record.error = redact(record.error)
        for index in record.steps.indices {
            var step = record.steps[index]
            step.error = redact(step.error)
            if let problem = step.screenshot?.error { step.screenshot?.error = redact(problem) }
            if let url = step.request?.url { step.request?.url = redact(url) }
            if let url = step.response?.effectiveURL { step.response?.effectiveURL = redact(url) }
            step.failures = step.failures.map { failure in
                var failure = failure
                failure.expected = redact(failure.expected)
                failure.actual = redact(failure.actual)
                failure.message = redact(failure.message)
                return failure
            }
            record.steps[index] = step
        }
        return record
    }
}
