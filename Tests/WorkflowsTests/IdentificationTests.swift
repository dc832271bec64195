import FaceKit
import Foundation
import Gallery
import TestSupport
import Testing

@testable import Workflows

/// face_recognition's classic example, on LFW: five people enrolled (one or two photos each),
/// then group photos of one or two of them, with strangers, identified face by face.
@Suite(
    "Workflows: identify every face", .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing"))
struct IdentificationTests {
    static let enrolments: [String: [String]] = [
        "George_W_Bush": ["George_W_Bush/George_W_Bush_0353.jpg"],
        "Colin_Powell": ["Colin_Powell/Colin_Powell_0038.jpg", "Colin_Powell/Colin_Powell_0074.jpg"],
        "Tony_Blair": ["Tony_Blair/Tony_Blair_0006.jpg"],
        "Donald_Rumsfeld": ["Donald_Rumsfeld/Donald_Rumsfeld_0022.jpg", "Donald_Rumsfeld/Donald_Rumsfeld_0028.jpg"],
        "Gerhard_Schroeder": ["Gerhard_Schroeder/Gerhard_Schroeder_0003.jpg"],
    ]

    /// Each group photo, left to right: the person each face is (nil: a stranger). None of these
    /// photos was enrolled.
    static let photos: [[(String, String?)]] = [
        [("George_W_Bush/George_W_Bush_0407.jpg", "George_W_Bush"), ("Tony_Blair/Tony_Blair_0094.jpg", "Tony_Blair")],
        [("Colin_Powell/Colin_Powell_0120.jpg", "Colin_Powell"), ("AJ_Cook/AJ_Cook_0001.jpg", nil)],
        [("Donald_Rumsfeld/Donald_Rumsfeld_0036.jpg", "Donald_Rumsfeld")],
        [("Bob_Alper/Bob_Alper_0001.jpg", nil), ("Gerhard_Schroeder/Gerhard_Schroeder_0026.jpg", "Gerhard_Schroeder")],
        [("Dave_Tucker/Dave_Tucker_0001.jpg", nil), ("Gary_Gero/Gary_Gero_0001.jpg", nil)],
    ]

    /// A gallery in a temporary directory with the five people enrolled in tenant `t`.
    static func enrolledGallery() async throws -> (GalleryWorkflows, URL) {
        let analyzer = try Fixtures.analyzer()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-identify-\(UUID())")
        var configuration = GalleryConfiguration()
        configuration.requireConsent = false
        let gallery = try await Gallery.open(directory: directory, configuration: configuration, environment: [:])
        let workflows = GalleryWorkflows(faces: FaceWorkflows(analyzer: analyzer), gallery: gallery)
        for (person, images) in enrolments {
            var samples: [EnrollmentSample] = []
            for image in images {
                let analysis = try await workflows.faces.analyze(
                    try GroupPhotos.portrait(image), field: image, settings: .init())
                samples.append(EnrollmentSample(vector: analysis.embedding.vector, quality: nil))
            }
            _ = try await gallery.enroll(
                EnrollmentRequest(
                    tenant: "t", subject: person, pack: analyzer.pack.id, samples: samples, duplicateThreshold: 0.99,
                    policy: .enrollAndFlag))
        }
        return (workflows, directory)
    }

    @Test("every face of every group photo gets its person and no other; strangers are unknown")
    func classicExample() async throws {
        let (workflows, directory) = try await Self.enrolledGallery()
        defer { try? FileManager.default.removeItem(at: directory) }
        let point = try await workflows.identificationPoint(.standard, tenant: "t")
        #expect(point.gallery == GallerySize(subjects: 5, templates: 7))
        #expect(point.fpir == IdentificationPoint.defaultFPIR)
        for photo in Self.photos {
            let image = try GroupPhotos.sideBySide(try photo.map { try GroupPhotos.portrait($0.0) })
            let answer = try await workflows.identify(image, tenant: "t", point: point)
            #expect(answer.faces.count == photo.count, "\(photo.map(\.0)): \(answer.faces.count) faces")
            #expect(answer.gallerySize == 5 && answer.facesIgnored == 0)
            // Left to right, as pasted.
            let faces = answer.faces.sorted { $0.box[0] < $1.box[0] }
            for (face, (image, person)) in zip(faces, photo) {
                #expect(face.searched && face.reasons.isEmpty, "\(image): \(face.reasons)")
                #expect(face.subject == person, "\(image) identified as \(face.subject ?? "unknown")")
                #expect(face.decision == (person == nil ? .unknown : .match))
                // No other enrolled person reaches the threshold.
                #expect(face.candidates.filter(\.match).map(\.subject) == (person.map { [$0] } ?? []))
            }
        }
    }

    @Test("max_faces lists the largest faces and counts the rest; min_face_size keeps faces from the search")
    func limits() async throws {
        let (workflows, directory) = try await Self.enrolledGallery()
        defer { try? FileManager.default.removeItem(at: directory) }
        let point = try await workflows.identificationPoint(.fpir(1e-2), tenant: "t")
        let image = try GroupPhotos.sideBySide(try Self.photos[0].map { try GroupPhotos.portrait($0.0) })
        let one = try await workflows.identify(image, tenant: "t", point: point, options: .init(maxFaces: 1))
        #expect(one.faces.count == 1 && one.facesIgnored == 1)
        let none = try await workflows.identify(image, tenant: "t", point: point, options: .init(minFaceSize: 500))
        #expect(none.faces.count == 2)
        for face in none.faces {
            #expect(!face.searched && face.reasons.contains("face_too_small") && face.decision == nil)
            #expect(face.candidates.isEmpty && face.subject == nil)
        }
        // A photo with no face is an answer with no faces, not an error.
        let blank = try Image(bgr: [UInt8](repeating: 90, count: 200 * 200 * 3), width: 200, height: 200)
        let empty = try await workflows.identify(blank, tenant: "t", point: point)
        #expect(empty.faces.isEmpty && empty.facesIgnored == 0)
        // The document spells "not searched" as null.
        let json = String(decoding: try DocumentEncoding.encode(none), as: UTF8.self)
        #expect(json.contains(#""decision":null"#) && json.contains(#""gallery_size":5"#))
        #expect(throws: WorkflowError.self) {
            try IdentifyOptions(k: 0).validate()
        }
        #expect(throws: WorkflowError.self) {
            try IdentifyOptions(maxFaces: 101).validate()
        }
    }

    @Test("the operating point: fpir or fmr, never both; refused past the calibration; the default clamps")
    func operatingPoints() throws {
        let pack = try Fixtures.analyzer().pack
        #expect(throws: WorkflowError.self) { try IdentificationPoint.Request(fpir: 1e-3, fmr: 1e-4) }
        #expect(throws: WorkflowError.self) { try IdentificationPoint.Request(fpir: 1.5, fmr: nil) }
        let small = GallerySize(subjects: 100, templates: 100)
        let held = try IdentificationPoint(.fpir(1e-3), pack: pack, gallery: small)
        #expect(abs(held.fmr! - 1e-5) < 1e-8 && held.fpir == 1e-3)
        let large = GallerySize(subjects: 5000, templates: 5000)
        do {
            _ = try IdentificationPoint(.fpir(1e-3), pack: pack, gallery: large)
            Issue.record("fpir 1e-3 over 5,000 templates needs FMR 2e-7, outside the calibration")
        } catch let error as WorkflowError {
            #expect(error.code == .uncalibratedFPIR)
            #expect(error.message.contains("5000 templates") && error.message.contains("2e-07"), "\(error.message)")
        }
        // The default holds 1e-3 while it can, then the strictest usable point, and says what that holds.
        let clamped = try IdentificationPoint(.standard, pack: pack, gallery: large)
        #expect(clamped.fmr == 1e-5)
        #expect(abs(clamped.fpir! - IdentificationThreshold.fpir(fmr: 1e-5, comparisons: 5000)) < 1e-12)
        let byFMR = try IdentificationPoint(.fmr(1e-4), pack: pack, gallery: small)
        #expect(byFMR.threshold == (try pack.decisionThreshold(fmr: 1e-4)).threshold)
        #expect(abs(byFMR.fpir! - 0.00995) < 0.0001)
        let empty = try IdentificationPoint(.standard, pack: pack, gallery: GallerySize(subjects: 0, templates: 0))
        #expect(empty.fmr == 1e-3)
    }
}
