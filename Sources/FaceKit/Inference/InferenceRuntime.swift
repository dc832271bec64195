internal import CLikenessVision
import Foundation

/// Which library runs the networks.
public enum InferenceRuntime: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// OpenVINO when its library is installed, else OpenCV.
    case automatic = "auto"
    /// OpenCV's DNN module (Debian's OpenCV 4.6): always present.
    case opencv
    /// OpenVINO's CPU plugin, from `runtimes/openvino` (scripts/bootstrap installs it from PyPI).
    case openvino

    public var description: String { rawValue }
}

/// Finds and opens the OpenVINO library for a model pack.
enum OpenVINOLibrary {
    /// `LIKENESS_OPENVINO` (the library file) or `runtimes/openvino/<manifest's library>` beside
    /// the pack's directory, when the file exists.
    static func path(besides pack: ModelPack) -> String? {
        if let explicit = ProcessInfo.processInfo.environment["LIKENESS_OPENVINO"], !explicit.isEmpty {
            return explicit
        }
        let root = pack.directory.deletingLastPathComponent().appendingPathComponent("runtimes/openvino")
        guard let data = try? Data(contentsOf: root.appendingPathComponent("manifest.json")),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let library = manifest["library"] as? String
        else { return nil }
        let path = root.appendingPathComponent(library).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Opens the library at `path` (once per process); the reason when it cannot be.
    static func open(_ path: String) -> String? {
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { lkv_openvino_load(path, $0.baseAddress, $0.count) }
        guard status != LKV_OK else { return nil }
        return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The runtime `requested` resolves to for `pack`, and why OpenVINO was not used when
    /// `automatic` fell back to OpenCV. Requesting `openvino` when it cannot be opened throws.
    static func resolve(_ requested: InferenceRuntime, pack: ModelPack) throws -> (
        InferenceRuntime, fallback: String?
    ) {
        switch requested {
        case .opencv: return (.opencv, nil)
        case .automatic, .openvino:
            let problem: String
            if let path = path(besides: pack) {
                guard let reason = open(path) else { return (.openvino, nil) }
                problem = reason
            } else {
                problem =
                    "no OpenVINO library (runtimes/openvino beside the model pack, or LIKENESS_OPENVINO): run scripts/bootstrap"
            }
            if requested == .openvino { throw FaceKitError(.modelUnavailable, problem) }
            return (.opencv, problem)
        }
    }
}
