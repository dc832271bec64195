import Foundation

/// A minimal line chart rendered as inline SVG, with linear or log-10 axes.
struct SVGChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
    }

    struct Marker {
        var x: Double
        var label: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var logX = false
    var logY = false
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    var series: [Series]
    var markers: [Marker] = []

    private let width = 560.0
    private let height = 360.0
    private let left = 64.0
    private let right = 16.0
    private let top = 28.0
    private let bottom = 48.0

    private func sx(_ x: Double) -> Double {
        let (lo, hi, v) =
            logX
            ? (log10(xRange.lowerBound), log10(xRange.upperBound), log10(max(x, xRange.lowerBound)))
            : (xRange.lowerBound, xRange.upperBound, x)
        return left + (v - lo) / (hi - lo) * (width - left - right)
    }

    private func sy(_ y: Double) -> Double {
        let (lo, hi, v) =
            logY
            ? (log10(yRange.lowerBound), log10(yRange.upperBound), log10(max(y, yRange.lowerBound)))
            : (yRange.lowerBound, yRange.upperBound, y)
        return height - bottom - (v - lo) / (hi - lo) * (height - top - bottom)
    }

    private func ticks(_ range: ClosedRange<Double>, log: Bool) -> [Double] {
        if log {
            let lo = Int(floor(log10(range.lowerBound)))
            let hi = Int(ceil(log10(range.upperBound)))
            return (lo...hi).map { pow(10, Double($0)) }.filter { range.contains($0) }
        }
        return (0...5).map { range.lowerBound + Double($0) / 5 * (range.upperBound - range.lowerBound) }
    }

    private func label(_ v: Double, log: Bool) -> String {
        if log { return v >= 0.01 ? String(format: "%g", v) : String(format: "1e%d", Int(log10(v).rounded())) }
        let span = (logY ? 1 : yRange.upperBound - yRange.lowerBound)
        return String(format: span < 0.1 ? "%.3f" : "%.2f", v)
    }

    var svg: String {
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(width / 2)\" y=\"18\" text-anchor=\"middle\" class=\"title\">\(escape(title))</text>"
        for t in ticks(xRange, log: logX) {
            out += "<line x1=\"\(sx(t))\" y1=\"\(top)\" x2=\"\(sx(t))\" y2=\"\(height - bottom)\" class=\"grid\"/>"
            out +=
                "<text x=\"\(sx(t))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(label(t, log: logX))</text>"
        }
        for t in ticks(yRange, log: logY) {
            out += "<line x1=\"\(left)\" y1=\"\(sy(t))\" x2=\"\(width - right)\" y2=\"\(sy(t))\" class=\"grid\"/>"
            out += "<text x=\"\(left - 6)\" y=\"\(sy(t) + 4)\" text-anchor=\"end\">\(label(t, log: logY))</text>"
        }
        out +=
            "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(width - left - right)\" height=\"\(height - top - bottom)\" class=\"frame\"/>"
        for (index, marker) in markers.enumerated() where xRange.contains(marker.x) {
            // Staggered so that labels of close thresholds do not overlap.
            let labelY = top + 12 + Double(index % 4) * 11
            out +=
                "<line x1=\"\(sx(marker.x))\" y1=\"\(top)\" x2=\"\(sx(marker.x))\" y2=\"\(height - bottom)\" class=\"marker\"/>"
            out +=
                "<text x=\"\(sx(marker.x) + 3)\" y=\"\(labelY)\" class=\"marker-label\">\(escape(marker.label))</text>"
        }
        for (index, s) in series.enumerated() {
            let path = s.points.map { String(format: "%.1f,%.1f", sx($0.x), sy($0.y)) }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
            out +=
                "<text x=\"\(width - right - 8)\" y=\"\(top + 18 + Double(index) * 16)\" text-anchor=\"end\" fill=\"\(s.color)\">\(escape(s.name))</text>"
        }
        out += "<text x=\"\(width / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        out +=
            "<text x=\"14\" y=\"\(height / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(height / 2))\">\(escape(yLabel))</text>"
        return out + "</svg>"
    }
}

/// Escapes text for HTML and SVG.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
