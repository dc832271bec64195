import ArgumentParser
import FaceKit
import Workflows

/// `likeness liveness events VIDEO`: every action the analysis finds in a recording.
struct LivenessEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List every action event the liveness analysis finds in a recording, with the neutral face.",
        discussion: """
            The same samples and rules as `liveness check`, without a challenge: each \
            occurrence of each action. scripts/liveness-fixtures reads --json.

            Examples:
              likeness liveness events clip.webm
              likeness liveness events clip.webm --json
            """)

    @Argument(help: "The recording (WebM VP8/VP9 or MP4/H.264).")
    var video: String

    @OptionGroup var recording: LivenessRecordingOptions

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func run() async throws {
        try recording.requireFile(video)
        let workflow = LivenessWorkflow(faces: FaceWorkflows(analyzer: try pipeline.makeAnalyzer()))
        let document = try await workflow.events(
            videoAt: video, limits: recording.limits, window: try recording.window())
        if json {
            try printJSON(document)
            return
        }
        let base = document.baseline
        print(
            "neutral (\(base.from.rawValue)): yaw \(base.yaw), pitch \(base.pitch), eye \(base.eye), mouth \(base.mouth); "
                + "\(document.framesAnalysed) frames, \(Int(document.durationMs)) ms")
        for event in document.events {
            print(
                "  \(event.action.rawValue) \(Int(event.startMs))–\(Int(event.endMs)) ms, peak \(Int(event.peakMs)) ms: "
                    + "\(event.value) over \(event.frames) frames\(event.cutOff ? " (cut off)" : "")")
        }
    }
}
