import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

extension RedactionStyle: ExpressibleByArgument {}

struct RedactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract:
            "Hide faces in a photo or a video: every face, everyone but consented subjects, or only named subjects.",
        discussion: """
            Photos (JPEG, PNG, WebP) are judged face by face. Videos (MP4, WebM, MKV, MOV: what \
            Debian's FFmpeg reads) are read twice: faces are detected (every --every-th frame), \
            followed between detections and past their last sighting, and recognised; then every \
            frame is written with each hidden track's box covered. The copy keeps the frame count, \
            frame rate, size and audio; metadata is dropped. OUTPUT's extension picks the format. \
            A sidecar JSON (OUTPUT.json, or --report) lists each face or track, its frames, box and \
            why it was hidden or kept; never a template. Files are written complete or not at all, \
            mode 0600. Exit status: 0 done, 1 no face was found anywhere (OUTPUT is still written), \
            2 error. docs/footage.md says what each mode guarantees.

            Examples:
              likeness redact street.jpg street-redacted.jpg
              likeness redact interview.mp4 public.mp4 --style pixelate --preview 12
              likeness redact meeting.mp4 out.mp4 --keep alice bob --purpose publication --data data
              likeness redact cctv.mp4 out.mp4 --only requester-42 --data data
            """)

    @Argument(help: "The photo or video to redact.")
    var input: String

    @Argument(help: "Where the redacted copy goes (its extension picks the format).")
    var output: String

    @Option(help: "How faces are hidden: blur, pixelate or box.")
    var style: RedactionStyle = .blur

    @Option(help: "Blur and pixelate: cells kept across a face's shorter side (fewer hide more).")
    var cells: Int = Image.redactionCells

    @Option(help: "Fraction of the face box added on every side.")
    var margin: Double = 0.25

    @Option(
        parsing: .upToNextOption,
        help: "Keep these enrolled subjects visible (with an active consent for --purpose); hide everyone else.")
    var keep: [String] = []

    @Option(parsing: .upToNextOption, help: "Hide only these enrolled subjects.")
    var only: [String] = []

    @Option(help: "With --keep: the consent purpose a kept subject must have active.")
    var purpose: String?

    @Option(help: "False-match rate of the recognition (default 1e-4 with --keep, 1e-2 with --only).")
    var fmr: Double?

    @Option(help: "Video: run the detector on every n-th frame and follow the faces in between.")
    var every: Int = 1

    @Option(help: "Video: frames a face stays hidden before its first and after its last sighting.")
    var reach: Int = 8

    @Option(
        help: "Detector input size: auto, or one the model pack provides (default: 640 for video, auto for photos).")
    var detectorSize: String?

    @Option(help: "Minimum detector score for a face (low: a missed face is a leak).")
    var scoreThreshold: Double = RedactionOptions.defaultScoreThreshold

    @Option(help: "Where the sidecar JSON goes (default: OUTPUT.json).")
    var report: String?

    @Option(help: "Video: also write a contact sheet of N frames of the output to OUTPUT.preview.jpg.")
    var preview: Int?

    @Flag(help: "Print the sidecar document on stdout as well.")
    var json = false

    @Flag(help: "No progress bar.")
    var quiet = false

    @OptionGroup var model: ModelOptions

    @OptionGroup var gallery: GalleryOptions

    func validate() throws {
        guard keep.isEmpty || only.isEmpty else { throw ValidationError("--keep and --only exclude each other") }
        if !keep.isEmpty && (purpose ?? "").isEmpty {
            throw ValidationError("--keep needs --purpose: a kept subject must have an active consent for it")
        }
        if keep.isEmpty && purpose != nil { throw ValidationError("--purpose applies to --keep only") }
        if let fmr, !(fmr > 0 && fmr < 1) { throw ValidationError("--fmr must be in (0, 1)") }
        guard (2...32).contains(cells) else { throw ValidationError("--cells must be in 2...32") }
        guard (0...2).contains(margin) else { throw ValidationError("--margin must be in 0...2") }
        guard (1...30).contains(every) else { throw ValidationError("--every must be in 1...30") }
        guard (0...300).contains(reach) else { throw ValidationError("--reach must be in 0...300") }
        guard (0...1).contains(scoreThreshold) else { throw ValidationError("--score-threshold must be in 0...1") }
        if let detectorSize, detectorSize != "auto" && Int(detectorSize) == nil {
            throw ValidationError("--detector-size must be auto or a number")
        }
        if let preview, !(1...64).contains(preview) { throw ValidationError("--preview must be in 1...64") }
        guard URL(fileURLWithPath: input).standardized != URL(fileURLWithPath: output).standardized else {
            throw ValidationError("OUTPUT must not be INPUT")
        }
    }

    func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CLIError(code: .fileNotFound, message: "\(input) does not exist")
        }
        guard let handle = FileHandle(forReadingAtPath: input) else {
            throw CLIError(code: .fileUnreadable, message: "\(input) cannot be read")
        }
        let head = [UInt8]((try? handle.read(upToCount: 64)) ?? Data())
        try? handle.close()
        let isImage = Image.format(of: head) != nil
        if isImage && preview != nil { throw ValidationError("--preview applies to videos") }

        let analyzer = try model.makeAnalyzer()
        let pack = analyzer.pack
        let footage = FootageWorkflows(analyzer: analyzer)
        var options = RedactionOptions(style: style, cells: cells, margin: margin, every: every, reach: reach)
        let size = detectorSize ?? (isImage ? "auto" : "640")
        options.detection = DetectionOptions(
            scoreThreshold: scoreThreshold, inputSize: Int(size).map { .fixed($0) } ?? .automatic)
        var recognizer: (any SubjectRecognizer)?
        var withoutConsent: [String] = []
        if !keep.isEmpty || !only.isEmpty {
            options.target = keep.isEmpty ? .only(only) : .allBut(keep)
            let point = try OperatingPoint(pack: pack, fmr: fmr, defaultFMR: keep.isEmpty ? 1e-2 : 1e-4)
            options.threshold = point.threshold
            options.fmr = point.fmr
            let opened = try await gallery.open()
            let made = try await GalleryRecognizer.make(
                gallery: opened, tenant: gallery.tenant, pack: pack.id, subjects: keep.isEmpty ? only : keep,
                consentPurpose: keep.isEmpty ? nil : purpose)
            recognizer = made.recognizer
            withoutConsent = made.withoutConsent
            for subject in withoutConsent {
                FileHandle.standardError.write(
                    Data(
                        "redact: \(subject) has no active consent for \(purpose ?? ""): hidden like everyone else\n"
                            .utf8))
            }
        }
        let reportPath = report ?? output + ".json"
        let document: RedactionDocument
        if isImage {
            let limits = ImageLimits.default
            let image = try await analyzer.decode(ImageFiles.read(input, limits: limits), limits: limits)
            let format = try Self.imageFormat(of: output)
            let side = max(image.width, image.height)
            if (format == .webp && side > 16_383) || (format == .jpeg && side > 65_535) {
                throw CLIError(
                    code: .validationFailed,
                    message:
                        "a \(image.width)x\(image.height) photo cannot be written as \(format.rawValue); write .png")
            }
            let started = ContinuousClock.now
            let (redacted, first) = try await footage.redact(
                image, options: options, recognizer: recognizer, withoutConsent: withoutConsent, purpose: purpose)
            var answer = first
            answer.seconds = Rounding.coordinate((ContinuousClock.now - started).seconds)
            try FootageFiles.write(Data(try redacted.encoded(as: format, quality: 92)), to: output)
            document = answer
        } else {
            let bar = ProgressLine(enabled: !quiet)
            document = try await footage.redactVideo(
                at: input, to: output, options: options, recognizer: recognizer, withoutConsent: withoutConsent,
                purpose: purpose, progress: { bar.show($0) })
            bar.finish()
            if let preview {
                try FootageFiles.writeContactSheet(
                    of: output, frames: document.frames ?? 0, count: preview, to: output + ".preview.jpg")
            }
        }
        try FootageFiles.write(try DocumentEncoding.encode(document) + Data("\n".utf8), to: reportPath)
        if json { try printJSON(document) }
        if !quiet || !json {
            var line = "redact: \(document.hidden) hidden, \(document.kept) kept"
            if let frames = document.frames, let fps = document.framesPerSecond {
                line += "; \(frames) frames (\(document.framesWithHiddenFaces ?? 0) with a face hidden) at \(fps) fps"
            }
            line += "; \(output), report \(reportPath)"
            if preview != nil { line += ", preview \(output).preview.jpg" }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if document.faces.isEmpty {
            FileHandle.standardError.write(
                Data("redact: no face was found; check the input before publishing it\n".utf8))
            throw ExitCode(1)
        }
    }

    static func imageFormat(of path: String) throws -> ImageFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg": return .jpeg
        case "png": return .png
        case "webp": return .webp
        default:
            throw CLIError(
                code: .validationFailed, message: "\(path): a redacted photo is written as .jpg, .png or .webp")
        }
    }
}
