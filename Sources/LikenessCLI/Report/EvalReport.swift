import FaceKit
import Foundation

/// One self-contained HTML page (inline SVG and images, no network) describing an evaluation.
struct EvalReport {
    struct PairExample {
        var first: String
        var second: String
        var similarity: Double
        var firstThumbnail: String?
        var secondThumbnail: String?
    }

    var title: String
    var settings: [String: String]
    var scores: ScoreSet
    var scoreSource: String
    var summary: [(String, String)]
    var calibration: ThresholdCalibration?
    var failuresToEnrol: [String: Int]
    var imageCount: Int
    var qualityProfile: String
    var falseMatches: [PairExample]
    var falseNonMatches: [PairExample]

    /// ROC/DET points at FMRs spaced evenly on a log scale from 1/n to 1.
    func curve() -> [(fmr: Double, tar: Double, threshold: Double)] {
        let impostors = scores.impostor.sorted(by: >)
        let genuine = scores.genuine.sorted()
        guard !impostors.isEmpty, !genuine.isEmpty else { return [] }
        let lowest = 1 / Double(impostors.count)
        return (0...80).map { step in
            let fmr = pow(10, log10(lowest) * (1 - Double(step) / 80))
            let allowed = min(impostors.count - 1, Int((fmr * Double(impostors.count)).rounded(.down)))
            let threshold = impostors[allowed].nextUp
            let rejected = genuine.partitioningIndex { $0 >= threshold }
            return (fmr, 1 - Double(rejected) / Double(genuine.count), Double(threshold))
        }
    }

    func histogram(_ values: [Float], bins: Int, range: ClosedRange<Double>) -> [(x: Double, y: Double)] {
        var counts = [Double](repeating: 0, count: bins)
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        for v in values {
            let bin = min(bins - 1, max(0, Int((Double(v) - range.lowerBound) / width)))
            counts[bin] += 1
        }
        let total = max(1, Double(values.count))
        return counts.enumerated().flatMap { index, count in
            let x0 = range.lowerBound + Double(index) * width
            return [(x0, count / total), (x0 + width, count / total)]
        }
    }

    var html: String {
        let points = curve()
        let floorFMR = 1 / Double(max(1, scores.impostor.count))
        let floorFNMR = 1 / Double(max(1, scores.genuine.count))
        let roc = SVGChart(
            title: "ROC", xLabel: "false match rate", yLabel: "true accept rate", logX: true,
            xRange: floorFMR...1, yRange: max(0, (points.map(\.tar).min() ?? 0) - 0.01)...1,
            series: [.init(name: "TAR", color: "#1565c0", points: points.map { ($0.fmr, $0.tar) })])
        let det = SVGChart(
            title: "DET", xLabel: "false match rate", yLabel: "false non-match rate", logX: true, logY: true,
            xRange: floorFMR...1, yRange: floorFNMR...1,
            series: [.init(name: "FNMR", color: "#c62828", points: points.map { ($0.fmr, max(1 - $0.tar, floorFNMR)) })]
        )
        let lo = Double(min(scores.genuine.min() ?? 0, scores.impostor.min() ?? 0))
        let hi = Double(max(scores.genuine.max() ?? 1, scores.impostor.max() ?? 1))
        let range = (floor(lo * 10) / 10)...(ceil(hi * 10) / 10)
        let genuineHistogram = histogram(scores.genuine, bins: 60, range: range)
        let impostorHistogram = histogram(scores.impostor, bins: 60, range: range)
        let peak = (genuineHistogram + impostorHistogram).map(\.y).max() ?? 1
        let histogramChart = SVGChart(
            title: "Score distributions (each normalised to 1)", xLabel: "cosine similarity", yLabel: "share of pairs",
            xRange: range, yRange: 0...(peak * 1.1),
            series: [
                .init(name: "genuine (\(scores.genuine.count))", color: "#2e7d32", points: genuineHistogram),
                .init(name: "impostor (\(scores.impostor.count))", color: "#c62828", points: impostorHistogram),
            ],
            markers: calibration?.points.map { .init(x: $0.threshold, label: "FMR \($0.fmr)") } ?? [])

        var body = "<h1>\(escape(title))</h1>"
        body +=
            "<p class=\"settings\">"
            + settings.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }
            .joined(separator: " · ") + "</p>"
        body +=
            "<table><tbody>" + summary.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined()
            + "</tbody></table>"
        body += "<p>Curves and histograms use \(escape(scoreSource)).</p>"
        body += "<div class=\"charts\">\(roc.svg)\(det.svg)\(histogramChart.svg)</div>"

        body +=
            "<h2>FNMR at each false-match rate</h2><table><thead><tr><th>FMR</th><th>threshold (this data)</th><th>FNMR</th>"
        if calibration != nil { body += "<th>calibrated threshold</th><th>measured FMR at it</th><th>FNMR at it</th>" }
        body += "</tr></thead><tbody>"
        let check = calibration?.check(on: scores)
        for fmr in ThresholdCalibration.standardRates {
            let impostors = scores.impostor.count
            let measurable = Double(impostors) * fmr >= 1
            let point = measurable ? points.min { abs(log10($0.fmr / fmr)) < abs(log10($1.fmr / fmr)) } : nil
            body += "<tr><td>\(fmr)</td>"
            if let point {
                body += String(format: "<td>%.4f</td><td>%.4f</td>", point.threshold, 1 - point.tar)
            } else {
                body += "<td colspan=\"2\">too few impostor pairs</td>"
            }
            if let row = check?.first(where: { $0.nominalFMR == fmr }) {
                body += String(
                    format: "<td>%.4f</td><td>%.2e (%d of %d)</td><td>%.4f</td>", row.threshold, row.measuredFMR,
                    row.falseMatches, row.impostorPairs, row.fnmr)
            } else if calibration != nil {
                body += "<td colspan=\"3\">not calibrated</td>"
            }
            body += "</tr>"
        }
        body += "</tbody></table>"

        body += "<h2>Failures to enrol (profile \(escape(qualityProfile)), \(imageCount) images)</h2>"
        if failuresToEnrol.isEmpty {
            body += "<p>None.</p>"
        } else {
            body += "<table><thead><tr><th>reason</th><th>images</th></tr></thead><tbody>"
            body += failuresToEnrol.sorted { $0.value > $1.value }.map {
                "<tr><td>\(escape($0.key))</td><td>\($0.value)</td></tr>"
            }.joined()
            body += "</tbody></table>"
        }
        body += examples("Worst false matches (different people, highest similarity)", falseMatches)
        body += examples("Worst false non-matches (same person, lowest similarity)", falseNonMatches)

        return """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
            table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
            .charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{width:560px;height:360px;border:1px solid #eee}
            svg text{font-size:11px;fill:#333}svg .title{font-size:13px;font-weight:600}
            .grid{stroke:#eee}.frame{fill:none;stroke:#999}.marker{stroke:#777;stroke-dasharray:4 3}.marker-label{font-size:9px}
            .pairs{display:flex;flex-wrap:wrap;gap:16px}.pair{border:1px solid #ddd;padding:6px;font-size:12px}
            .pair img{width:112px;height:112px;image-rendering:auto}.settings{color:#555}
            </style></head><body>\(body)</body></html>
            """
    }

    private func examples(_ heading: String, _ pairs: [PairExample]) -> String {
        var out = "<h2>\(escape(heading))</h2><div class=\"pairs\">"
        for pair in pairs {
            out += "<div class=\"pair\">"
            for (path, thumbnail) in [(pair.first, pair.firstThumbnail), (pair.second, pair.secondThumbnail)] {
                if let thumbnail {
                    out += "<img alt=\"\(escape(path))\" src=\"data:image/jpeg;base64,\(thumbnail)\">"
                }
            }
            out += String(format: "<div>%.4f</div>", pair.similarity)
            out +=
                "<div>\(escape((pair.first as NSString).lastPathComponent))<br>\(escape((pair.second as NSString).lastPathComponent))</div></div>"
        }
        return out + "</div>"
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for an array partitioned so that all
    /// elements that do not satisfy it come first.
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
