import CurlEngine
import Foundation

/// The one place secrets are masked. Every value substituted from `{{secret.X}}` (and every
/// credential the request carried, see `Credentials`) becomes `***` wherever it appears, in any
/// encoding a server plausibly echoes (see `SecretPattern`); the values of credential headers
/// are masked whole. Text is masked before it is cut to a length, never after.
public struct Redactor: Sendable {
    public static let mask = "***"
    /// Header names whose values are never shown, compared lowercased.
    public static let sensitiveHeaders: Set<String> = ["authorization", "cookie", "set-cookie", "proxy-authorization"]
    /// Secrets shorter than this mask ordinary text too (`PIN=1` turns 127.0.0.1 into
    /// `***27.0.0.***`); the CLI warns about them.
    public static let shortSecretLength = 4

    /// Longest secret first, so a secret that contains another is masked whole.
    private let patterns: [SecretPattern]
    /// Which bytes can start an occurrence of some pattern.
    private let starts: [Bool]
    /// The longest run of bytes one occurrence can span.
    private let margin: Int

    public init(secrets: Set<String>) {
        patterns = secrets.flatMap(SecretPattern.patterns(for:)).sorted { $0.weight > $1.weight }
        var starts = [Bool](repeating: false, count: 256)
        for pattern in patterns {
            for byte in pattern.firstBytes { starts[Int(byte)] = true }
        }
        self.starts = starts
        margin = patterns.map(\.maximumLength).max() ?? 0
    }

    /// Whether there is anything to mask besides credential headers.
    public var isEmpty: Bool { patterns.isEmpty }

    public func redact(_ text: String) -> String {
        guard !isEmpty else { return text }
        let bytes = Array(text.utf8)
        let masked = redact(bytes: bytes)
        return masked.count == bytes.count && masked == bytes ? text : String(decoding: masked, as: UTF8.self)
    }

    public func redact(_ text: String?) -> String? {
        text.map { redact($0) }
    }

    /// Whether `bytes` hold a secret in any encoding.
    public func finds(in bytes: [UInt8]) -> Bool {
        redact(bytes: bytes) != bytes
    }

    /// Raw bytes with every occurrence of a secret masked (bodies, text or binary).
    public func redact(bytes: [UInt8]) -> [UInt8] {
        guard !isEmpty else { return bytes }
        return bytes.withUnsafeBufferPointer { text in
            var out: [UInt8] = []
            var copied = 0, index = 0
            while index < text.count {
                if starts[Int(text[index])], let length = patterns.lazy.compactMap({ $0.match(text, at: index) }).first {
                    if out.isEmpty { out.reserveCapacity(text.count) }
                    out.append(contentsOf: text[copied..<index])
                    out.append(contentsOf: Self.mask.utf8)
                    index += length
                    copied = index
                } else {
                    index += 1
                }
            }
            if copied == 0 { return bytes }
            out.append(contentsOf: text[copied...])
            return out
        }
    }

    /// The first `limit` bytes of `bytes` as they may be shown: masked first, then cut, so a secret
    /// that straddles the cut is never shown in part. `truncated` says whether anything was cut.
    /// The one place every length cap on shown bytes goes through (`-v`, snapshots, the HAR).
    public func maskedPrefix(_ bytes: [UInt8], limit: Int) -> (bytes: [UInt8], truncated: Bool) {
        guard bytes.count > limit else { return (redact(bytes: bytes), false) }
        guard !isEmpty else { return (Array(bytes.prefix(limit)), true) }
        // A secret cut by the window's end may stay unmasked in the window's last `margin` bytes.
        let window = redact(bytes: Array(bytes.prefix(limit + margin)))
        return (Array(window.dropLast(margin).prefix(limit)), true)
    }

    /// Text as it may be shown in at most `limit` characters: masked first, then cut, with the
    /// length in all said (failure messages quote values this way).
    public func maskedPrefix(_ text: String, characters limit: Int) -> String {
        let masked = redact(text)
        guard masked.count > limit else { return masked }
        return String(masked.prefix(limit)) + "… (\(text.count) characters in all)"
    }

    /// A header value as it may be shown: credentials masked, secrets masked.
    public func redactHeader(name: String, value: String) -> String {
        Self.sensitiveHeaders.contains(name.lowercased()) ? Self.mask : redact(value)
    }

    /// A header as it may be shown: its name masked like any text, its value as `redactHeader` does.
    public func redact(_ header: HTTPHeader) -> HTTPHeader {
        HTTPHeader(name: redact(header.name), value: redactHeader(name: header.name, value: header.value))
    }

    /// `Name: value` as sent or received: the whole line masked first (a secret may hold a colon),
    /// then a credential header's value masked whole.
    public func redactHeaderLine(_ line: String) -> String {
        let masked = redact(line)
        guard let colon = masked.firstIndex(of: ":") else { return masked }
        let name = String(masked[..<colon])
        guard Self.sensitiveHeaders.contains(name.lowercased()) else { return masked }
        return "\(name): \(Self.mask)"
    }

    /// The record with every free-text field masked.
    public func redact(_ record: RunRecord) -> RunRecord {
        // Nothing to mask (most runs): the record itself, not a copy of every step and box; the
        // copies of 10,000 runs waiting for state.json to load were 5 MB of a run's peak.
        guard !isEmpty else { return record }
        var record = record
        record.error = redact(record.error)
        record.steps = record.steps.map(redact)
        record.attempts = record.attempts?.map { attempt in
            var attempt = attempt
            attempt.error = redact(attempt.error)
            attempt.steps = attempt.steps.map(redact)
            return attempt
        }
        return record
    }

    private func redact(_ step: StepRecord) -> StepRecord {
        var step = step
        step.error = redact(step.error)
        if let problem = step.screenshot?.error { step.screenshot?.error = redact(problem) }
        // Written back only when masked: each write boxes a new copy (`OptionalBox`).
        if var request = step.request {
            let before = (request.url, request.proxy, request.unixSocket)
            request.url = redact(request.url)
            request.proxy = redact(request.proxy)
            request.unixSocket = redact(request.unixSocket)
            if (request.url, request.proxy, request.unixSocket) != before { step.request = request }
        }
        if let client = step.request?.clientCertificate {
            step.request?.clientCertificate = ClientCertificateRecord(cert: redact(client.cert), key: client.key.map { redact($0) })
        }
        if let url = step.response?.effectiveURL, case let masked = redact(url), masked != url { step.response?.effectiveURL = masked }
        if var probe = step.probe {
            probe.target = redact(probe.target)
            probe.answers = probe.answers?.map(redact)
            step.probe = probe
        }
        if var browser = step.browser {
            browser.url = redact(browser.url)
            browser.title = redact(browser.title)
            browser.failedRequests = browser.failedRequests.map(redact)
            browser.console = browser.console.map { ConsoleLine(level: $0.level, text: redact($0.text)) }
            browser.dialogs = browser.dialogs.map(redact)
            browser.refused = browser.refused.map(redact)
            browser.actions = browser.actions.map { action in
                var action = action
                action.selector = redact(action.selector)
                action.error = redact(action.error)
                return action
            }
            step.browser = browser
        }
        step.failures = step.failures.map(redact)
        step.warnings = step.warnings?.map(redact)
        return step
    }

    private func redact(_ failure: AssertionFailure) -> AssertionFailure {
        var failure = failure
        failure.expected = redact(failure.expected)
        failure.actual = redact(failure.actual)
        failure.message = redact(failure.message)
        return failure
    }
}
