import CurlEngine
import Foundation

/// Where and how OTLP/HTTP exports go: `--otlp URL` and the standard `OTEL_*` variables.
///
/// Precedence, as the OpenTelemetry exporter spec has it: a signal's own variable
/// (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `…_METRICS_ENDPOINT`) is used as-is and wins over the
/// base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`), to which `/v1/traces` and `/v1/metrics` are
/// appended. `--otlp URL` is such a base URL given on the command line, and wins over every
/// variable. No endpoint at all: nothing is exported.
public struct OTLPConfig: Sendable, Equatable {
    /// Where spans go (`…/v1/traces`); nil: none are sent.
    public var tracesURL: String?
    /// Where metrics go (`…/v1/metrics`); nil: none are sent.
    public var metricsURL: String?
    /// `OTEL_EXPORTER_OTLP_HEADERS`: sent with every export (often a token), never logged.
    public var headers: [HTTPHeader] = []
    /// The resource every span and metric is of: `OTEL_RESOURCE_ATTRIBUTES`, with `service.name`
    /// from `OTEL_SERVICE_NAME` over it, `canary` when neither names one.
    public var resource: [(key: String, value: String)] = []

    public static func == (lhs: OTLPConfig, rhs: OTLPConfig) -> Bool {
        lhs.tracesURL == rhs.tracesURL && lhs.metricsURL == rhs.metricsURL && lhs.headers == rhs.headers
            && lhs.resource.elementsEqual(rhs.resource) { $0 == $1 }
    }

    /// From `--otlp` (nil when not given) and the environment; nil when no endpoint is set.
    public static func resolve(flag: String?, environment: [String: String]) -> OTLPConfig? {
        func variable(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let base = flag ?? variable("OTEL_EXPORTER_OTLP_ENDPOINT")
        func endpoint(_ signal: String) -> String? {
            if flag == nil, let own = variable("OTEL_EXPORTER_OTLP_\(signal.uppercased())_ENDPOINT") { return own }
            return base.map { signalURL($0, signal) }
        }
        var config = OTLPConfig(tracesURL: endpoint("traces"), metricsURL: endpoint("metrics"))
        guard config.tracesURL != nil || config.metricsURL != nil else { return nil }
        config.headers = keyValues(variable("OTEL_EXPORTER_OTLP_HEADERS") ?? "").map { HTTPHeader(name: $0.key, value: $0.value) }
        var resource = keyValues(variable("OTEL_RESOURCE_ATTRIBUTES") ?? "")
        let service = variable("OTEL_SERVICE_NAME") ?? resource.last { $0.key == "service.name" }?.value ?? "canary"
        resource.removeAll { $0.key == "service.name" }
        config.resource = [(key: "service.name", value: service)] + resource
        return config
    }

    /// Why the `OTEL_EXPORTER_OTLP_*PROTOCOL` variables ask for something canary doesn't send;
    /// nil when they don't. canary sends OTLP/HTTP with JSON bodies, which every OTLP/HTTP
    /// receiver takes beside protobuf, so `http/json` and `http/protobuf` (the spec's default)
    /// are both served; `grpc` (port 4317) would fail every export, so it is refused up front.
    public static func protocolProblem(environment: [String: String]) -> String? {
        for name in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { continue }
            guard value != "http/json" && value != "http/protobuf" else { continue }
            return "\(name)=\(LoadProblem.excerpt(value)): canary exports OTLP over HTTP (JSON bodies) only; "
                + "set it to http/protobuf or http/json (or unset it) and point the endpoint at the collector's OTLP/HTTP port (4318 by default)"
        }
        return nil
    }

    /// `base` + `/v1/<signal>`, one slash between (a query, such as a token, stays at the end).
    static func signalURL(_ base: String, _ signal: String) -> String {
        let parts = base.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = String(parts[0])
        while path.hasSuffix("/") { path.removeLast() }
        path += "/v1/" + signal
        return parts.count > 1 ? path + "?" + parts[1] : path
    }

    /// The W3C Baggage-like lists of `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`:
    /// `key=value` pairs separated by commas, values percent-decoded; malformed pairs are skipped.
    static func keyValues(_ text: String) -> [(key: String, value: String)] {
        text.split(separator: ",").compactMap { pair in
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let key = pair[..<equals].trimmingCharacters(in: .whitespaces)
            let raw = pair[pair.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, let value = raw.removingPercentEncoding else { return nil }
            return (key, value)
        }
    }
}
