import Foundation

/// A set of model files with their checksums, input conventions and calibrated thresholds.
///
/// A pack is a directory holding `pack.json` and the files it names. Swapping packs is how a
/// user brings a licensed or larger model: nothing in the pipeline names a file directly.
public struct ModelPack: Sendable {
    /// A model file and the SHA-256 it must have.
    public struct File: Sendable, Codable, Equatable {
        public var file: String
        public var sha256: String
    }

    /// The face detector (SCRFD family).
    public struct Detector: Sendable, Codable, Equatable {
        /// Network files by square input size.
        public var inputs: [String: File]
        public var mean: Float
        public var std: Float
        public var strides: [Int]
        public var anchorsPerCell: Int
        /// Output names with `{stride}` standing for the stride.
        public var scoreOutput: String
        public var boxOutput: String
        public var keypointOutput: String

        enum CodingKeys: String, CodingKey {
            case inputs, mean, std, strides
            case anchorsPerCell = "anchors_per_cell"
            case scoreOutput = "score_output"
            case boxOutput = "box_output"
            case keypointOutput = "keypoint_output"
        }

        /// The input sizes the pack provides, ascending.
        public var sizes: [Int] { inputs.keys.compactMap(Int.init).sorted() }
    }

    /// The face embedding network.
    public struct Embedder: Sendable, Codable, Equatable {
        public var file: File
        public var inputSize: Int
        public var mean: Float
        public var std: Float
        public var dimension: Int
        public var output: String

        enum CodingKeys: String, CodingKey {
            case file, mean, std, dimension, output
            case inputSize = "input_size"
        }
    }

    /// The dense landmark network (106 points for the InsightFace 2d106det model).
    public struct Landmarks: Sendable, Codable, Equatable {
        public var file: File
        public var inputSize: Int
        /// The crop side is this many times the face box's longer side.
        public var cropScale: Double
        public var mean: Float
        public var std: Float
        public var output: String
        public var points: Int

        enum CodingKeys: String, CodingKey {
            case file, mean, std, output, points
            case inputSize = "input_size"
            case cropScale = "crop_scale"
        }
    }

    /// The default decision threshold and where it came from.
    public struct Verification: Sendable, Codable, Equatable {
        /// Cosine similarity at or above which two faces are called the same person.
        public var threshold: Double
        /// How the threshold was chosen.
        public var source: String
    }

    struct Manifest: Codable {
        var id: String
        var description: String
        var license: String
        var detector: Detector
        var embedder: Embedder
        var landmarks: Landmarks?
        var verification: Verification
    }

    /// A short stable identifier, stored with every template made by this pack.
    public let id: String
    /// The licence terms of the weights.
    public let license: String
    public let directory: URL
    public let detector: Detector
    public let embedder: Embedder
    public let verification: Verification
    /// The landmark network, when the pack has one.
    public let landmarks: Landmarks?
    /// Thresholds calibrated to false-match rates (`calibration.json`), when the pack has them.
    public let calibration: ThresholdCalibration?

    /// The false-match rate decisions use when the caller names none.
    public static let defaultFMR = 1e-4

    /// Loads `pack.json` from `directory` and checks the SHA-256 of every file it names.
    /// - Throws: `model_unavailable` when the manifest or a file is missing or altered.
    public static func load(from directory: URL, verifyChecksums: Bool = true) throws -> ModelPack {
        let manifestURL = directory.appendingPathComponent("pack.json")
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
        } catch {
            throw FaceKitError(
                .modelUnavailable,
                "cannot read model pack manifest \(manifestURL.path) (run scripts/bootstrap): \(error)")
        }
        guard !manifest.detector.inputs.isEmpty, manifest.detector.sizes.count == manifest.detector.inputs.count else {
            throw FaceKitError(.modelUnavailable, "the detector section must map input sizes to files")
        }
        let calibration = try loadCalibration(directory: directory, packID: manifest.id)
        let pack = ModelPack(
            id: manifest.id, license: manifest.license, directory: directory, detector: manifest.detector,
            embedder: manifest.embedder, verification: manifest.verification, landmarks: manifest.landmarks,
            calibration: calibration)
        if verifyChecksums {
            let landmarkFiles = manifest.landmarks.map { [$0.file] } ?? []
            for file in Array(manifest.detector.inputs.values) + [manifest.embedder.file] + landmarkFiles {
                try ModelChecksum.verify(directory.appendingPathComponent(file.file), sha256: file.sha256)
            }
        }
        return pack
    }

    /// Reads `calibration.json` if present; it must belong to this pack.
    private static func loadCalibration(directory: URL, packID: String) throws -> ThresholdCalibration? {
        let url = directory.appendingPathComponent("calibration.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let calibration: ThresholdCalibration
        do {
            calibration = try JSONDecoder().decode(ThresholdCalibration.self, from: Data(contentsOf: url))
        } catch {
            throw FaceKitError(.modelUnavailable, "cannot read \(url.path): \(error)")
        }
        guard calibration.modelPack == packID else {
            throw FaceKitError(
                .modelUnavailable, "calibration.json was made for \(calibration.modelPack), not for \(packID)")
        }
        return calibration
    }

    /// The decision threshold for an explicit threshold, a false-match rate, or the default.
    ///
    /// Precedence: an explicit threshold (no FMR attached); the calibrated point for `fmr`; the
    /// calibrated point for `defaultFMR`; the manifest's fixed threshold.
    public func decisionThreshold(threshold: Double? = nil, fmr: Double? = nil) throws -> DecisionThreshold {
        if let threshold {
            guard (-1...1).contains(threshold) else {
                throw FaceKitError(.invalidArgument, "threshold must be a cosine similarity in -1...1")
            }
            return DecisionThreshold(threshold: threshold, fmr: nil)
        }
        if let fmr {
            guard let calibration else {
                throw FaceKitError(.invalidArgument, "model pack \(id) has no calibration; pass a threshold instead")
            }
            let point = try calibration.point(fmr: fmr)
            return DecisionThreshold(threshold: point.threshold, fmr: point.fmr)
        }
        if let point = try? calibration?.point(fmr: ModelPack.defaultFMR) {
            return DecisionThreshold(threshold: point.threshold, fmr: point.fmr)
        }
        return DecisionThreshold(threshold: verification.threshold, fmr: nil)
    }

    /// The path of the detector network for an input size.
    func detectorPath(size: Int) -> String? {
        detector.inputs[String(size)].map { directory.appendingPathComponent($0.file).path }
    }

    var embedderPath: String { directory.appendingPathComponent(embedder.file.file).path }

    var landmarksPath: String? { landmarks.map { directory.appendingPathComponent($0.file.file).path } }
}
