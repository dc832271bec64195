import FaceKit
import Foundation
import TestSupport
import Testing

/// OpenVINO and OpenCV run the same networks: the same faces and the same templates, so the
/// pack's calibrated thresholds hold on either.
@Suite(
    "Inference runtimes",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct RuntimeParityTests {
    static let pictures = [
        "Abdullah_Gul/Abdullah_Gul_0013.jpg", "Abdullah_Gul/Abdullah_Gul_0014.jpg",
        "Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg", "AJ_Cook/AJ_Cook_0001.jpg",
        "Augustin_Calleri/Augustin_Calleri_0004.jpg", "Chelsea_Clinton/Chelsea_Clinton_0001.jpg",
        "George_HW_Bush/George_HW_Bush_0009.jpg", "Laura_Bush/Laura_Bush_0004.jpg",
    ]

    func analyzer(_ runtime: InferenceRuntime) throws -> FaceAnalyzer {
        try Fixtures.requireModels()
        return try FaceAnalyzer(
            pack: ModelPack.load(from: Fixtures.modelsDirectory),
            configuration: InferenceConfiguration(workers: 1, threadsPerCall: 1, runtime: runtime))
    }

    @Test("scripts/bootstrap installs OpenVINO, and auto picks it")
    func automaticPicksOpenVINO() throws {
        let automatic = try analyzer(.automatic)
        #expect(automatic.runtime == .openvino, "fell back to OpenCV: \(automatic.runtimeFallback ?? "")")
        #expect(automatic.runtimeFallback == nil)
        #expect(try analyzer(.opencv).runtime == .opencv)
    }

    @Test("the same faces and templates on OpenVINO as on OpenCV (cosine ≥ 0.999, boxes within 1 px)")
    func sameResults() async throws {
        let (opencv, openvino) = (try analyzer(.opencv), try analyzer(.openvino))
        #expect(openvino.runtime == .openvino)
        for path in Self.pictures {
            let image = try Image.decode(try Fixtures.lfw(path))
            let a = try await opencv.analyze(image)
            let b = try await openvino.analyze(image)
            #expect(a.faces.count == b.faces.count, "\(path)")
            for (x, y) in zip(
                [a.face.box.minX, a.face.box.minY, a.face.box.maxX, a.face.box.maxY],
                [b.face.box.minX, b.face.box.minY, b.face.box.maxX, b.face.box.maxY])
            {
                #expect(abs(x - y) <= 1, "\(path): box \(a.face.box) against \(b.face.box)")
            }
            let similarity = a.embedding.similarity(to: b.embedding)
            #expect(similarity >= 0.999, "\(path): cosine \(similarity) between the runtimes' templates")
        }
    }

    @Test("a batch of faces gives each face the template it gets alone, on both runtimes")
    func batchesMatchSingles() async throws {
        for runtime in [InferenceRuntime.opencv, .openvino] {
            let analyzer = try analyzer(runtime)
            let image = try Image.decode(
                try Fixtures.bytes(Fixtures.modelsDirectory.appendingPathComponent("samples/players.jpg")))
            let faces = Array(try await analyzer.detect(in: image).prefix(6))
            #expect(faces.count == 6)
            let together = try await analyzer.embed(faces, in: image)
            for (face, template) in zip(faces, together) {
                let alone = try await analyzer.embed([face], in: image)[0]
                #expect(alone.similarity(to: template) >= 0.9999, "\(runtime)")
            }
        }
    }
}
