import FaceKit
import Prometheus

/// The service's Prometheus metrics: requests and latency by route and status, inference time by
/// stage, load shedding, queue depth and gallery sizes.
///
/// Each application owns its registry, so tests that build several applications do not share counts.
public final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10),
    ]

    public init() {}

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "likeness", metricName: "http_requests", unitName: "total",
                helpText: "HTTP requests by route, method and status"),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "likeness", metricName: "http_request_duration", unitName: "seconds",
                helpText: "HTTP request latency by route and method"),
            labels: [("route", route), ("method", method)], buckets: ServiceMetrics.latencyBuckets
        ).record(duration)
    }

    /// Records the time of each pipeline stage of one analysis.
    func inference(_ timings: StageTimings) {
        for (stage, duration) in [
            ("decode", timings.decode), ("detect", timings.detect), ("align", timings.align), ("embed", timings.embed),
        ] where duration > .zero {
            registry.makeDurationHistogram(
                descriptor: .init(
                    namespace: "likeness", metricName: "inference_stage_duration", unitName: "seconds",
                    helpText: "Time per pipeline stage and image"),
                labels: [("stage", stage)], buckets: ServiceMetrics.latencyBuckets
            ).record(duration)
        }
    }

    func rejected(reason: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "likeness", metricName: "requests_rejected", unitName: "total",
                helpText: "Requests refused by load shedding (overloaded) or rate limiting (rate_limited)"),
            labels: [("reason", reason)]
        ).increment()
    }

    func gauge(_ name: String, help: String, value: Double, labels: [(String, String)] = []) {
        registry.makeGauge(
            descriptor: .init(namespace: "likeness", metricName: name, unitName: "", helpText: help), labels: labels
        ).set(value)
    }

    /// The exposition text; without `tenantLabels`, every series labelled by tenant is left out
    /// (the API port's view: figures about the whole server, nothing that names a tenant).
    func render(tenantLabels: Bool = true) -> [UInt8] {
        let text = registry.emitToBuffer()
        return tenantLabels ? text : Self.withoutTenantSeries(text)
    }

    /// `text` without the samples that carry a `tenant` label, and without the `# HELP`/`# TYPE`
    /// lines of families left with no sample.
    static func withoutTenantSeries(_ text: [UInt8]) -> [UInt8] {
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        // The current family's comment lines, kept once one of its samples is.
        var pending: [Substring] = []
        var family: Substring = ""
        for line in lines {
            if line.hasPrefix("# ") {
                let name = line.split(separator: " ", maxSplits: 3).dropFirst(2).first ?? ""
                if name != family { pending.removeAll() }
                family = name
                pending.append(line)
                continue
            }
            if line.contains("tenant=\"") { continue }
            if line.isEmpty {
                kept.append(line)
                continue
            }
            kept += pending
            pending.removeAll()
            kept.append(line)
        }
        return Array(kept.joined(separator: "\n").utf8)
    }
}
