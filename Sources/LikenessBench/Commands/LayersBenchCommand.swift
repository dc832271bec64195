import ArgumentParser
import FaceKit
import Foundation
import LikenessCLI
import Workflows

/// `likeness bench layers`: where each network's forward pass spends its time, layer by layer.
struct LayersBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Time each layer of the detector and the embedder (OpenCV's per-layer profile).",
        discussion: """
            Runs the images through detection and embedding on one worker with one thread (the
            reference's compute), reading OpenCV's per-layer timings after every forward pass.
            scripts/profile-layers prints these beside onnxruntime's for the same networks.

            Examples:
              likeness bench layers --images ../shared/data/lfw/images --limit 200
              likeness bench layers --images photos/ --detector-size 640 --json
            """)

    @Option(help: "Directory of images (searched recursively, sorted by path).")
    var images: String

    @Option(help: "Use at most this many images.")
    var limit = 200

    @Option(help: "Layers listed per network, slowest first.")
    var top = 12

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        guard top >= 0 else { throw ValidationError("--top must not be negative") }
        guard pipeline.workers == nil || pipeline.workers == 1 else {
            throw ValidationError("--workers: the profile runs on one worker")
        }
        guard pipeline.runtime != .openvino else {
            throw ValidationError("--runtime: layer timings come from OpenCV's DNN module")
        }
    }

    struct Report: Encodable {
        var images: Int
        var threadsPerCall: Int
        var networks: [Network]

        struct Network: Encodable {
            var network: String
            var forwards: Int
            var items: Int
            var msPerForward: Double
            var byType: [String: Double]
            var layers: [NetworkProfile.Layer]

            enum CodingKeys: String, CodingKey {
                case network, forwards, items, layers
                case msPerForward = "ms_per_forward"
                case byType = "ms_by_type"
            }
        }

        enum CodingKeys: String, CodingKey {
            case images, networks
            case threadsPerCall = "threads_per_call"
        }
    }

    func run() async throws {
        let files = Array(try ImageFiles.list(in: images).prefix(limit))
        guard !files.isEmpty else { throw CLIError(code: .noImages, message: "no images under \(images)") }
        var options = pipeline
        options.workers = 1
        // OpenCV's DNN module times each layer; OpenVINO's runs are compared whole (scripts/profile-layers).
        options.runtime = .opencv
        let analyzer = try options.makeAnalyzer()
        var decoded: [Image] = []
        for path in files {
            if let image = try? await options.load(path, with: analyzer) { decoded.append(image) }
        }
        let profiles = try await analyzer.profileLayers(decoded, detection: options.detection)
        let report = Report(
            images: decoded.count, threadsPerCall: options.threads,
            networks: profiles.map { profile in
                Report.Network(
                    network: profile.network, forwards: profile.forwards, items: profile.items,
                    msPerForward: profile.milliseconds,
                    byType: Dictionary(uniqueKeysWithValues: profile.byType.map { ($0.type, $0.milliseconds) }),
                    layers: profile.layers)
            })
        if json {
            try printJSON(report)
            return
        }
        print("images=\(report.images) workers=1 threads/call=\(options.threads)")
        for profile in profiles {
            print("")
            print(
                "== \(profile.network): "
                    + String(
                        format: "%.2f ms per forward (%d forwards, %d inputs)", profile.milliseconds,
                        profile.forwards, profile.items))
            for (type, ms) in profile.byType where ms > 0 {
                print(
                    "  " + padded(type, 22) + String(format: " %8.2f ms  %5.1f %%", ms, 100 * ms / profile.milliseconds)
                )
            }
            let slowest = profile.layers.sorted { $0.milliseconds > $1.milliseconds }.prefix(top)
            if !slowest.isEmpty { print("  slowest layers:") }
            for layer in slowest {
                print(
                    "    " + padded(layer.name, 36) + " " + padded(layer.type, 14)
                        + String(format: " %7.3f ms", layer.milliseconds))
            }
        }
    }
}

/// `text` padded with spaces to `width` characters (never cut).
private func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
