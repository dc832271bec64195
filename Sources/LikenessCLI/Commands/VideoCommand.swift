import ArgumentParser

struct VideoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video",
        abstract: "Recorded video: find a person's appearances.",
        discussion: """
            Redacting faces in a video is `likeness redact`. docs/footage.md says what each command \
            guarantees.

            Examples:
              likeness video find --probe alice.jpg lobby.mp4 --report found.html
              likeness video find --subject requester-42 --data data cam1.mp4 cam2.mp4 --json
            """,
        subcommands: [VideoFindCommand.self])
}
