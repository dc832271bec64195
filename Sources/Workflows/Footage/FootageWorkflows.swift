import FaceKit
import Foundation

/// Faces in photos and recordings: redaction, and finding one person's appearances.
public struct FootageWorkflows: Sendable {
    public let analyzer: FaceAnalyzer

    public init(analyzer: FaceAnalyzer) {
        self.analyzer = analyzer
    }

    /// Faces smaller than this (box side, pixels) are hidden but never compared: their templates
    /// are too noisy to trust either way.
    static let smallestComparableFace = 40.0

    /// Hides the faces of one image the target names; the document says what was done to each.
    public func redact(
        _ image: Image, options: RedactionOptions, recognizer: (any SubjectRecognizer)? = nil,
        withoutConsent: [String] = [], purpose: String? = nil
    ) async throws -> (image: Image, document: RedactionDocument) {
        try options.validate()
        let faces = try await analyzer.detect(in: image, options: options.detection)
        var comparable: [Int] = []
        if options.target != .everyone {
            comparable = faces.indices.filter {
                min(faces[$0].box.width, faces[$0].box.height) >= Self.smallestComparableFace
            }
        }
        let templates =
            comparable.isEmpty ? [] : try await analyzer.embed(comparable.map { faces[$0] }, in: image).map(\.vector)
        var entries: [RedactionDocument.Face] = []
        var regions: [BoundingBox] = []
        for (index, face) in faces.enumerated() {
            let own = comparable.firstIndex(of: index).map { [templates[$0]] } ?? []
            let verdict = try await RedactionJudgement.judge(
                templates: own, target: options.target, recognizer: recognizer, threshold: options.threshold)
            if verdict.hides { regions.append(face.box.expanded(by: options.margin)) }
            entries.append(
                RedactionDocument.Face(
                    action: verdict.action, reason: verdict.reason, subject: verdict.subject,
                    similarity: verdict.similarity.map(Rounding.score),
                    box: Self.summary(face.box),
                    score: Rounding.score(face.score)))
        }
        var output = regions.isEmpty ? image : try image.redacted(regions, style: options.style, cells: options.cells)
        // A small face next to a large one can score under the threshold until its neighbour is
        // hidden: a second look at the result hides what it finds outside the hidden regions.
        if options.target == .everyone {
            let hiddenSoFar = regions
            let second = try await analyzer.detect(in: output, options: options.detection).filter { face in
                !hiddenSoFar.contains { $0.contains(face.box.center) }
            }
            if !second.isEmpty {
                let more = second.map { $0.box.expanded(by: options.margin) }
                output = try output.redacted(more, style: options.style, cells: options.cells)
                regions += more
                for face in second {
                    entries.append(
                        RedactionDocument.Face(
                            action: "hidden", reason: "everyone", box: Self.summary(face.box),
                            score: Rounding.score(face.score)))
                }
            }
        }
        let document = RedactionDocument(
            kind: "image", style: options.style.rawValue, margin: options.margin,
            target: Self.describe(options, purpose: purpose, withoutConsent: withoutConsent),
            detector: Self.describe(options.detection, every: nil), width: image.width, height: image.height,
            hidden: regions.count, kept: entries.count - regions.count, faces: entries)
        return (output, document)
    }

    static func summary(_ box: BoundingBox) -> [Double] {
        [box.minX, box.minY, box.maxX, box.maxY].map(Rounding.coordinate)
    }

    static func describe(_ options: RedactionOptions, purpose: String?, withoutConsent: [String])
        -> RedactionDocument.Target
    {
        let named = options.target != .everyone
        return RedactionDocument.Target(
            mode: options.target.mode, subjects: Set(options.target.subjects).sorted(),
            purpose: options.target.mode == "keep" ? purpose : nil, subjectsWithoutConsent: withoutConsent,
            threshold: named ? Rounding.score(options.threshold) : nil, fmr: named ? options.fmr : nil)
    }

    static func describe(_ detection: DetectionOptions, every: Int?) -> RedactionDocument.Detector {
        let size: String =
            switch detection.inputSize {
            case .automatic: "auto"
            case .fixed(let side): String(side)
            }
        return RedactionDocument.Detector(inputSize: size, scoreThreshold: detection.scoreThreshold, every: every)
    }
}
