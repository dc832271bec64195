import FaceKit
import Foundation
import Gallery
import Testing

@testable import Workflows

/// FaceKit's and Gallery's codes as every caller reports them: one spelling, and the libraries'
/// `invalid_argument` is the API's `validation_failed`.
@Suite("Workflows: problem codes")
struct ProblemCodeTests {
    @Test("FaceKit's codes keep their spelling, except invalid_argument, which is validation_failed")
    func faceKit() {
        #expect(ProblemCode(FaceKitError.Code.invalidArgument) == .validationFailed)
        #expect(ProblemCode(FaceKitError.Code.noFace).rawValue == "no_face")
        #expect(ProblemCode(FaceKitError.Code.videoUnreadable).rawValue == "video_unreadable")
        #expect(ProblemCode(FaceKitError.Code.internalFailure) == .internalError)
    }

    @Test("Gallery's codes keep their spelling, except invalid_argument, which is validation_failed")
    func gallery() {
        #expect(ProblemCode(GalleryError.Code.invalidArgument) == .validationFailed)
        #expect(ProblemCode(GalleryError.Code.notFound) == .notFound)
        #expect(ProblemCode(GalleryError.Code.consentRequired).rawValue == "consent_required")
        #expect(ProblemCode(GalleryError.Code.storeFailure).rawValue == "store_error")
    }

    @Test("describe gives the code and message of the errors a workflow lets through, nil for others")
    func describe() {
        let face = WorkflowError.describe(FaceKitError(.invalidArgument, "fmr out of range"))
        #expect(face?.code == .validationFailed && face?.message == "fmr out of range")
        let gallery = WorkflowError.describe(GalleryError(.consentRequired, "no consent"))
        #expect(gallery?.code.rawValue == "consent_required" && gallery?.message == "no consent")
        let workflow = WorkflowError.describe(WorkflowError(.lowQuality, "blurred", reasons: ["blur"]))
        #expect(workflow?.code == .lowQuality && workflow?.message == "blurred")
        #expect(WorkflowError.describe(CocoaError(.fileNoSuchFile)) == nil)
    }

    @Test("a code is coded as its bare string")
    func coding() throws {
        let text = String(decoding: try DocumentEncoding.encode([ProblemCode.validationFailed]), as: UTF8.self)
        #expect(text == #"["validation_failed"]"#)
        let decoded = try JSONDecoder().decode([ProblemCode].self, from: Data(#"["session_used"]"#.utf8))
        #expect(decoded == [.sessionUsed])
    }
}
