import Foundation
import TestSupport
import Testing

@testable import FaceKit

/// End-to-end tests on the real models and real photographs.
@Suite(
    "Face pipeline on real images",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct PipelineTests {
    @Test("the specimen passport's portrait is found")
    func passportPortrait() async throws {
        let analyzer = try Fixtures.analyzer()
        let image = try Image.decode(Fixtures.passport())
        let faces = try await analyzer.detect(in: image)
        let portrait = try #require(faces.first, "no face on the passport page")
        // The holder's portrait sits in the left third of the TD3 data page and is its largest face.
        #expect(portrait.box.center.x < Double(image.width) / 3)
        #expect((300...550).contains(portrait.box.center.y))
        #expect(portrait.box.height > 150)
        #expect(portrait.score > 0.6)
        #expect(portrait.interEyeDistance > 40)
    }

    @Test("LFW: same-person pairs score above the threshold and different-person pairs below")
    func lfwPairs() async throws {
        let analyzer = try Fixtures.analyzer()
        let same = [
            ("Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "Aaron_Peirsol/Aaron_Peirsol_0002.jpg"),
            ("Abdullah_Gul/Abdullah_Gul_0013.jpg", "Abdullah_Gul/Abdullah_Gul_0014.jpg"),
        ]
        let different = [
            ("Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "Abdullah_Gul/Abdullah_Gul_0013.jpg"),
            ("Aaron_Peirsol/Aaron_Peirsol_0002.jpg", "Abdullah_Gul/Abdullah_Gul_0014.jpg"),
        ]
        let options = VerificationOptions(selection: .centered)
        for (a, b) in same {
            let result = try await analyzer.verify(
                Image.decode(Fixtures.lfw(a)), Image.decode(Fixtures.lfw(b)), options: options)
            #expect(result.isMatch, "\(a) vs \(b): \(result.similarity)")
            #expect(result.similarity > 0.4)
        }
        for (a, b) in different {
            let result = try await analyzer.verify(
                Image.decode(Fixtures.lfw(a)), Image.decode(Fixtures.lfw(b)), options: options)
            #expect(!result.isMatch, "\(a) vs \(b): \(result.similarity)")
            #expect(result.similarity < 0.15)
        }
    }

    @Test("an image stored rotated with an EXIF tag gives the same face and similarity ≥ 0.99", arguments: [3, 6, 8])
    func exifRotatedSelfie(orientation: Int) async throws {
        let analyzer = try Fixtures.analyzer()
        let bytes = try Fixtures.lfw("Aaron_Peirsol/Aaron_Peirsol_0001.jpg")
        let upright = try Image.decode(bytes)
        let undo = [3: 3, 6: 8, 8: 6][orientation]!
        let stored = try upright.oriented(exif: undo).encoded(as: .jpeg, quality: 95)
        let rotated = try Image.decode(jpegWithOrientation(stored, orientation: UInt16(orientation)))
        #expect(rotated.width == upright.width && rotated.height == upright.height)
        let a = try await analyzer.analyze(upright, selection: .centered)
        let b = try await analyzer.analyze(rotated, selection: .centered)
        #expect(a.face.box.center.distance(to: b.face.box.center) < 3)
        #expect(a.embedding.similarity(to: b.embedding) >= 0.99)
    }

    @Test("grayscale, RGBA and 16-bit versions of a face still match the original")
    func unusualLayoutsStillMatch() async throws {
        let analyzer = try Fixtures.analyzer()
        let original = try Image.decode(Fixtures.lfw("Abdullah_Gul/Abdullah_Gul_0013.jpg"))
        let reference = try await analyzer.analyze(original, selection: .centered)
        for layout in [PNGWriter.Layout.gray8, .rgba8, .rgb16] {
            let png = PNGWriter.encode(
                bgr: original.bgrPixels(), width: original.width, height: original.height, layout: layout)
            let analysis = try await analyzer.analyze(Image.decode(png), selection: .centered)
            let threshold = layout == .gray8 ? 0.8 : 0.999
            #expect(analysis.embedding.similarity(to: reference.embedding) >= threshold, "\(layout)")
        }
    }

    @Test("an image without a face → no_face")
    func noFace() async throws {
        let analyzer = try Fixtures.analyzer()
        var pixels: [UInt8] = []
        for y in 0..<200 { for x in 0..<200 { pixels += [UInt8((x ^ y) & 0xFF), UInt8(x & 0xFF), UInt8(y & 0xFF)] } }
        let blank = try Image(bgr: pixels, width: 200, height: 200)
        let error = await #expect(throws: FaceKitError.self) { try await analyzer.analyze(blank) }
        #expect(error?.code == .noFace)
    }

    @Test("strict verification fails with multiple_faces on a photo of two large faces")
    func strictMultipleFaces() async throws {
        let analyzer = try Fixtures.analyzer()
        let a = try Image.decode(Fixtures.lfw("Aaron_Peirsol/Aaron_Peirsol_0001.jpg"))
        let b = try Image.decode(Fixtures.lfw("Abdullah_Gul/Abdullah_Gul_0013.jpg"))
        // Side by side: one 500×250 picture with two similar-sized faces.
        let pa = a.bgrPixels()
        let pb = b.bgrPixels()
        var pixels: [UInt8] = []
        for y in 0..<250 {
            pixels += pa[(y * 250 * 3)..<((y + 1) * 250 * 3)]
            pixels += pb[(y * 250 * 3)..<((y + 1) * 250 * 3)]
        }
        let pair = try Image(bgr: pixels, width: 500, height: 250)
        #expect(try await analyzer.detect(in: pair).count >= 2)
        let error = await #expect(throws: FaceKitError.self) {
            try await analyzer.verify(pair, a, options: VerificationOptions(strict: true))
        }
        #expect(error?.code == .multipleFaces)
        let relaxed = try await analyzer.verify(pair, a, options: VerificationOptions(strict: false))
        #expect(relaxed.first.faces.count >= 2)
    }

    @Test("several faces of one image embed as one batch with the same result as one by one")
    func batchEqualsSingle() async throws {
        let analyzer = try Fixtures.analyzer()
        let image = try Image.decode(Fixtures.passport())
        let faces = try await analyzer.detect(in: image, options: DetectionOptions(scoreThreshold: 0.3))
        try #require(faces.count >= 1)
        let twice = [faces[0], faces[0]] + faces.dropFirst()
        let batch = try await analyzer.embed(twice, in: image)
        let single = try await analyzer.embed([faces[0]], in: image)
        #expect(batch.count == twice.count)
        #expect(batch[0].similarity(to: single[0]) > 0.9999)
        #expect(batch[1].similarity(to: single[0]) > 0.9999)
    }

    @Test("mirror augmentation stays close to the plain embedding")
    func mirror() async throws {
        let analyzer = try Fixtures.analyzer()
        let image = try Image.decode(Fixtures.lfw("Aaron_Peirsol/Aaron_Peirsol_0001.jpg"))
        let plain = try await analyzer.analyze(image, selection: .centered)
        let mirrored = try await analyzer.analyze(
            image, selection: .centered, embedding: EmbeddingOptions(mirrorAugmentation: true))
        let s = plain.embedding.similarity(to: mirrored.embedding)
        #expect(s > 0.9 && s < 0.99999)
    }

    @Test("many concurrent calls give the same answers as sequential ones")
    func concurrency() async throws {
        let analyzer = try Fixtures.analyzer()
        let names = [
            "Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "Abdullah_Gul/Abdullah_Gul_0013.jpg",
            "Aaron_Peirsol/Aaron_Peirsol_0002.jpg",
        ]
        let images = try names.map { try Image.decode(Fixtures.lfw($0)) }
        var sequential: [FaceEmbedding] = []
        for image in images { sequential.append(try await analyzer.analyze(image, selection: .centered).embedding) }
        let parallel = try await withThrowingTaskGroup(of: (Int, FaceEmbedding).self) { group in
            for round in 0..<4 {
                for (i, image) in images.enumerated() {
                    group.addTask { (i + round * 0, try await analyzer.analyze(image, selection: .centered).embedding) }
                }
            }
            var results: [(Int, FaceEmbedding)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(parallel.count == 12)
        for (i, embedding) in parallel { #expect(embedding.similarity(to: sequential[i]) > 0.99999) }
    }
}

@Suite("Model pack", .enabled(if: Fixtures.needsModels, "models missing (developer machine): skipped"))
struct ModelPackTests {
    @Test("the installed pack loads and its checksums verify")
    func loads() throws {
        try Fixtures.requireModels()
        let pack = try ModelPack.load(from: Fixtures.modelsDirectory)
        #expect(pack.detector.sizes == [320, 480, 640])
        #expect(pack.embedder.dimension == 512)
        #expect(pack.license.contains("non-commercial"))
    }

    @Test("an altered model file is refused with model_unavailable")
    func alteredFile() throws {
        try Fixtures.requireModels()
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-pack-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.modelsDirectory, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let target = copy.appendingPathComponent("w600k_mbf.onnx")
        var bytes = try Fixtures.bytes(target)
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: target)
        let error = #expect(throws: FaceKitError.self) { try ModelPack.load(from: copy) }
        #expect(error?.code == .modelUnavailable)
        #expect(error?.message.contains("w600k_mbf.onnx") == true)
    }

    @Test("a missing pack directory is refused with model_unavailable")
    func missing() {
        let error = #expect(throws: FaceKitError.self) {
            try ModelPack.load(from: URL(fileURLWithPath: "/nonexistent/pack"))
        }
        #expect(error?.code == .modelUnavailable)
    }
}
