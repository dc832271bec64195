import Foundation
import TestSupport
import Testing
import Workflows

@testable import Service

/// The multipart and JSON fuzz targets' seeds (Fuzz/Corpus) and every input a fuzz run ever failed
/// on (Fuzz/Regressions/<target>/), through the same calls as the targets (docs/fuzzing.md): each
/// must parse or throw `validation_failed`, never trap.
@Suite("Fuzz regressions (Service)")
struct FuzzRegressionTests {
    static let imageFields: Set<String> = ["image", "images", "first", "second"]

    @Test("multipart seeds and regressions: parts or validation_failed")
    func multipart() throws {
        let inputs = try FuzzInputs.files(corpus: "multipart", target: "multipart")
        #expect(inputs.count >= 3)
        var parsed = 0
        for (name, bytes) in inputs {
            // As in MultipartFuzzer: the first line is the boundary parameter, the rest the body (a slice).
            let input = Data(bytes)
            let newline = input.prefix(100).firstIndex(of: UInt8(ascii: "\n"))
            let boundaryText = String(decoding: input[..<(newline ?? 0)], as: UTF8.self)
            let body = input[(newline.map { $0 + 1 } ?? 0)...]
            let boundary = ImageRequest.boundary(in: "multipart/form-data; boundary=\(boundaryText)") ?? "fuzz"
            do {
                let parts = try MultipartForm.parts(of: body, boundary: boundary)
                #expect(!parts.isEmpty && parts.count <= MultipartForm.maxParts, "\(name)")
                parsed += 1
            } catch let problem as Problem {
                #expect(problem.code == .validationFailed, "\(name): \(problem.detail)")
            }
        }
        #expect(parsed >= 3, "the well-formed seeds parse")
    }

    @Test("JSON seeds and regressions: a request or validation_failed")
    func json() throws {
        let inputs = try FuzzInputs.files(corpus: "json-body", target: "json-body")
        #expect(inputs.count >= 3)
        for (name, bytes) in inputs {
            let data = Data(bytes)
            do {
                _ = try JSONBody.jsonObject(data)
            } catch let problem as Problem {
                #expect(problem.code == .validationFailed, "\(name): \(problem.detail)")
            }
            do {
                _ = try ImageRequest.fromJSON(data, imageFields: Self.imageFields)
            } catch let problem as Problem {
                #expect(problem.code == .validationFailed, "\(name): \(problem.detail)")
            }
        }
    }
}

/// The files a fuzz target starts from and the inputs it once failed on.
enum FuzzInputs {
    static let root = Fixtures.repositoryRoot.appendingPathComponent("Fuzz")

    /// Name and bytes of every file in Fuzz/Corpus/<corpus> and Fuzz/Regressions/<target> (a missing
    /// Regressions folder means no failure has been found yet).
    static func files(corpus: String, target: String) throws -> [(name: String, bytes: [UInt8])] {
        var files: [(name: String, bytes: [UInt8])] = []
        for folder in [
            root.appendingPathComponent("Corpus/\(corpus)"), root.appendingPathComponent("Regressions/\(target)"),
        ] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() {
                files.append((name, try Fixtures.bytes(folder.appendingPathComponent(name))))
            }
        }
        return files
    }
}
