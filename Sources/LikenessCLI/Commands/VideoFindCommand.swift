import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

struct VideoFindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Every appearance of one person in recorded videos, as time ranges.",
        discussion: """
            The person is an enrolled subject (--subject, with --data and --tenant) or the face of \
            a probe photo (--probe). Frames are sampled (--rate per second), every face in them is \
            compared, and sightings at or above the threshold of --fmr closer than --merge-gap \
            seconds are merged into one appearance: start, end, best similarity and a thumbnail. \
            --report writes an HTML timeline (one strip per video, click to play from that time), \
            mode 0600. Exit status: 0 when the person appears, 1 when not, 2 on error. \
            docs/footage.md says what it can and cannot find.

            Examples:
              likeness video find --probe alice.jpg lobby.mp4 --report found.html
              likeness video find --subject requester-42 --data data cam1.mp4 cam2.mp4 --json
            """)

    @Option(help: "An enrolled subject to look for.")
    var subject: String?

    @Option(help: "A photo of the person to look for.")
    var probe: String?

    @Argument(help: "Video files.")
    var videos: [String]

    @Option(help: "Frames analysed per second of video.")
    var rate: Double = 4

    @Option(help: "Detector input size (320 keeps 720p faster than real time).")
    var detectorSize: String = "320"

    @Option(help: "Minimum detector score for a face.")
    var scoreThreshold: Double = 0.5

    @Option(help: "False-match rate of each comparison.")
    var fmr: Double = OperatingPoint.verifyFMR

    @Option(help: "Sightings closer than this many seconds are one appearance.")
    var mergeGap: Double = 2

    @Option(help: "Sightings an appearance needs.")
    var minSightings: Int = 2

    @Option(help: "Write an HTML timeline here.")
    var report: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "No progress bar.")
    var quiet = false

    @OptionGroup var model: ModelOptions

    @OptionGroup var gallery: GalleryOptions

    func validate() throws {
        guard (subject == nil) != (probe == nil) else {
            throw ValidationError("give exactly one of --subject and --probe")
        }
        guard !videos.isEmpty else { throw ValidationError("give at least one video") }
        guard videos.count <= 1000 else { throw ValidationError("at most 1000 videos at once") }
        guard rate > 0, rate <= 60 else { throw ValidationError("--rate must be in (0, 60]") }
        guard fmr > 0, fmr < 1 else { throw ValidationError("--fmr must be in (0, 1)") }
        guard (0...3600).contains(mergeGap) else { throw ValidationError("--merge-gap must be in 0...3600") }
        guard (1...1000).contains(minSightings) else { throw ValidationError("--min-sightings must be in 1...1000") }
        guard (0...1).contains(scoreThreshold) else { throw ValidationError("--score-threshold must be in 0...1") }
        if detectorSize != "auto" && Int(detectorSize) == nil {
            throw ValidationError("--detector-size must be auto or a number")
        }
    }

    func run() async throws {
        for video in videos where !FileManager.default.fileExists(atPath: video) {
            throw CLIError(code: .fileNotFound, message: "\(video) does not exist")
        }
        let analyzer = try model.makeAnalyzer()
        let pack = analyzer.pack
        let point = try OperatingPoint(pack: pack, fmr: fmr, defaultFMR: OperatingPoint.verifyFMR)
        let recognizer: any SubjectRecognizer
        let described: AppearanceDocument.Probe
        if let subject {
            let made = try await GalleryRecognizer.make(
                gallery: try await gallery.open(), tenant: gallery.tenant, pack: pack.id, subjects: [subject],
                consentPurpose: nil)
            recognizer = made.recognizer
            described = AppearanceDocument.Probe(kind: "subject", subject: subject)
        } else {
            let path = probe ?? ""
            let limits = ImageLimits.default
            let image = try await analyzer.decode(ImageFiles.read(path, limits: limits), limits: limits)
            let analysis = try await analyzer.analyze(image)
            recognizer = ProbeRecognizer(name: (path as NSString).lastPathComponent, probe: analysis.embedding)
            described = AppearanceDocument.Probe(kind: "image", image: path)
        }
        var options = AppearanceOptions(
            sampleRate: rate,
            detection: DetectionOptions(
                scoreThreshold: scoreThreshold, inputSize: Int(detectorSize).map { .fixed($0) } ?? .automatic),
            threshold: point.threshold, fmr: point.fmr, mergeGap: mergeGap, minimumSightings: minSightings)
        options.mergeGap = mergeGap
        let footage = FootageWorkflows(analyzer: analyzer)
        var found: [AppearanceDocument.Video] = []
        for video in videos {
            let bar = ProgressLine(enabled: !quiet)
            found.append(
                try await footage.findAppearances(
                    in: video, recognizer: recognizer, options: options, progress: { bar.show($0) }))
            bar.finish()
        }
        let document = AppearanceDocument(
            probe: described, threshold: Rounding.score(point.threshold), fmr: point.fmr, sampleRate: rate,
            mergeGap: mergeGap, minimumSightings: minSightings,
            detector: RedactionDocument.Detector(inputSize: detectorSize, scoreThreshold: scoreThreshold),
            videos: found)
        if let report {
            try FootageFiles.write(Data(AppearanceReport.html(document, reportPath: report).utf8), to: report)
        }
        if json {
            try printJSON(document)
        } else {
            for video in found {
                print(
                    "\(video.path): \(video.appearances.count) appearance\(video.appearances.count == 1 ? "" : "s") in \(Self.clock(video.duration)) (\(video.speed)x real time)"
                )
                for appearance in video.appearances {
                    print(
                        String(
                            format: "  %@ – %@  best similarity %.4f at %@  (%d sightings)",
                            Self.clock(appearance.start),
                            Self.clock(appearance.end), appearance.bestSimilarity, Self.clock(appearance.bestAt),
                            appearance.sightings))
                }
            }
            if let report { print("report: \(report)") }
        }
        if found.allSatisfy({ $0.appearances.isEmpty }) { throw ExitCode(1) }
    }

    /// `m:ss.s`.
    static func clock(_ seconds: Double) -> String {
        let minutes = Int(seconds) / 60
        return String(format: "%d:%04.1f", minutes, seconds - Double(minutes * 60))
    }
}
