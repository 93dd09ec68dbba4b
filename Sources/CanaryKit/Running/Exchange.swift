import CurlEngine
import Foundation

/// The full request and response of one step, bodies included, kept in memory only for the
/// console (`-v`) and the artifacts written beside `run.json`. Never written unredacted.
public struct Exchange: Sendable {
    public var step: String
    /// 1-based position of the step in its canary (names snapshot files: `01-login.http`).
    public var index: Int
    public var started: Date
    /// Why the transfer produced no response, when it didn't.
    public var error: String?
    public var request: HTTPRequest
    public var response: HTTPResponse?
    /// The attempt of the run it belongs to (1-based).
    public var attempt: Int = 1
}

/// A finished run: the record plus what is needed to render its artifacts safely.
public struct RunResult: Sendable {
    public var record: RunRecord
    /// The last attempt's exchanges (the ones `record.steps` describe).
    public var exchanges: [Exchange]
    /// The exchanges of the attempts before the last, oldest first (their steps are in
    /// `record.attempts`); empty when the run was not retried.
    public var earlierExchanges: [Exchange] = []
    /// Values substituted from `{{secret.X}}`: every artifact and console line masks them.
    public var secrets: Set<String>
    /// Files to write into the run's folder with the rest of it (screenshots, diff images).
    public var artifacts: [Artifact] = []
    /// The last attempt's tcp, tls and dns steps, for their snapshots.
    public var probes: [ProbeExchange] = []
}

/// A file of a run beside its snapshots, by name.
public struct Artifact: Sendable {
    public var name: String
    public var bytes: [UInt8]
    /// Text (a browser step's HAR): passed through the run's redactor when written.
    public var text = false
    /// Written only when the run's folder is written anyway (a PNG after each browser action):
    /// it never makes a passing run keep a folder under `--artifacts failed`.
    public var keptOnlyWithFolder = false
    public init(name: String, bytes: [UInt8], text: Bool = false, keptOnlyWithFolder: Bool = false) {
        self.name = name
        self.bytes = bytes
        self.text = text
        self.keptOnlyWithFolder = keptOnlyWithFolder
    }
}

extension Exchange {
    /// The request headers as libcurl sent them on the final hop (Host, Accept, User-Agent…)
    /// when it got as far as a response; otherwise the headers the request was built with.
    func sentHeaders() -> [HTTPHeader] {
        let block = response?.requestHeaderBlock ?? ""
        guard !block.isEmpty else { return request.headers }
        return Self.headers(ofBlock: block)
    }

    /// The headers of a request header block as libcurl sent it: the first line is the request
    /// line, the rest are `Name: value`.
    /// Lines end at CR or LF; split on the bytes (grapheme breaking made this 2% of a run's CPU).
    static func headers(ofBlock block: String) -> [HTTPHeader] {
        block.utf8.split(whereSeparator: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }).dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            return HTTPHeader(name: String(decoding: line[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
    }
}
