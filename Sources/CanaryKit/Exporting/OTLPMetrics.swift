import Foundation

/// Metrics as an OTLP `ExportMetricsServiceRequest` (JSON): every family of metrics.prom under
/// its own name (gauges as gauges, counters as cumulative monotonic sums, labels as attributes),
/// and `canary.step.duration`, a cumulative histogram of step durations in seconds.
enum OTLPMetrics {
    /// Bucket bounds of `canary.step.duration`, in seconds.
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// The step durations seen since `since`, by canary, step and tags.
    struct Histogram: Sendable {
        struct Key: Hashable, Sendable {
            var canary: String
            var step: String
            var tags: [String: String]
        }
        struct Counts: Sendable {
            var buckets: [Int] = Array(repeating: 0, count: OTLPMetrics.bounds.count + 1)
            var count = 0
            var sum = 0.0
            var min = Double.infinity
            var max = -Double.infinity
        }
        var series: [Key: Counts] = [:]

        /// Counts every step of `record` that ran.
        mutating func add(_ record: RunRecord) {
            for step in record.steps where step.outcome != .skipped && step.timings.total.isFinite {
                let seconds = step.timings.total / 1000
                let key = Key(canary: record.canary, step: step.name, tags: record.tags)
                var counts = series[key] ?? Counts()
                counts.buckets[OTLPMetrics.bounds.firstIndex { seconds <= $0 } ?? OTLPMetrics.bounds.count] += 1
                counts.count += 1
                counts.sum += seconds
                counts.min = Swift.min(counts.min, seconds)
                counts.max = Swift.max(counts.max, seconds)
                series[key] = counts
            }
        }
    }

    static func request(
        _ metrics: [CanaryMetrics], histogram: Histogram, resource: [(key: String, value: String)], since: Date, now: Date
    ) -> [UInt8] {
        let start = OTLPJSON.nanos(since), time = OTLPJSON.nanos(now)
        let out = RecordJSON.Stream(pretty: false)
        out.begin()
        out.begin("resourceMetrics", array: true)
        out.begin()
        OTLPJSON.resource(resource, to: out)
        out.begin("scopeMetrics", array: true)
        out.begin()
        OTLPJSON.scope(to: out)
        out.begin("metrics", array: true)
        let ordered = metrics.sorted { $0.canary < $1.canary }
        for family in MetricFamily.allCases {
            let samples = ordered.flatMap(family.samples(of:)).filter(\.value.isFinite)
            guard !samples.isEmpty else { continue }
            out.begin()
            out.member("name", family.name)
            out.member("description", family.help)
            out.member("unit", family.name.hasSuffix("_seconds") ? "s" : "1")
            let counter = family.type == "counter"
            out.begin(counter ? "sum" : "gauge")
            out.begin("dataPoints", array: true)
            for sample in samples {
                out.begin()
                OTLPJSON.attributes(sample.labels.map { ($0.name, .string($0.value)) }, to: out)
                if counter { OTLPJSON.member("startTimeUnixNano", nanos: start, to: out) }
                OTLPJSON.member("timeUnixNano", nanos: time, to: out)
                out.member("asDouble", sample.value)
                out.end()
            }
            out.end()
            if counter {
                out.member("aggregationTemporality", 2) // CUMULATIVE
                out.member("isMonotonic", .bool(true))
            }
            out.end()
            out.end()
        }
        if !histogram.series.isEmpty { durations(histogram, start: start, time: time, to: out) }
        out.close(deeperThan: 0)
        return out.writer.bytes
    }

    private static func durations(_ histogram: Histogram, start: UInt64, time: UInt64, to out: RecordJSON.Stream) {
        out.begin()
        out.member("name", "canary.step.duration")
        out.member("description", "Total time of each step that ran, every run since the exporter started.")
        out.member("unit", "s")
        out.begin("histogram")
        out.begin("dataPoints", array: true)
        let keys = histogram.series.keys.sorted { ($0.canary, $0.step) < ($1.canary, $1.step) }
        for key in keys {
            guard let counts = histogram.series[key] else { continue }
            out.begin()
            let tags = key.tags.keys.sorted().map { ($0, OTLPJSON.Value.string(key.tags[$0] ?? "")) }
            OTLPJSON.attributes([("canary", .string(key.canary)), ("step", .string(key.step))] + tags, to: out)
            OTLPJSON.member("startTimeUnixNano", nanos: start, to: out)
            OTLPJSON.member("timeUnixNano", nanos: time, to: out)
            out.member("count", String(counts.count))
            out.member("sum", counts.sum)
            out.begin("bucketCounts", array: true)
            for count in counts.buckets { out.member(nil, .string(String(count))) }
            out.end()
            out.begin("explicitBounds", array: true)
            for bound in bounds { out.member(nil, .number(bound)) }
            out.end()
            out.member("min", counts.min)
            out.member("max", counts.max)
            out.end()
        }
        out.end()
        out.member("aggregationTemporality", 2)
        out.end()
        out.end()
    }
}
