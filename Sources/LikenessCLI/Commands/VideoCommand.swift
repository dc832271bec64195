import ArgumentParser

struct VideoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video",
        abstract: "Recorded video: find a person's appearances.",
        subcommands: [VideoFindCommand.self])
}
