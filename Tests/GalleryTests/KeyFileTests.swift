import Foundation
import Testing

@testable import Gallery

/// The master key file as deployments mount it.
@Suite("Master key file")
struct KeyFileTests {
    /// A directory laid out as Kubernetes mounts a secret: `master.key -> ..data/master.key`.
    static func mountedSecret(mode: mode_t) throws -> (directory: URL, link: URL, target: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-secret-\(UUID())")
        let target = directory.appendingPathComponent("..data/master.key")
        try MasterKey.write(Data(repeating: 7, count: 32), to: target, exclusive: true)
        #expect(chmod(target.path, mode) == 0)
        let link = directory.appendingPathComponent("master.key")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "..data/master.key")
        return (directory, link, target)
    }

    @Test("a symlinked key file whose target only its owner can read is accepted")
    func symlinkAccepted() throws {
        for mode: mode_t in [0o600, 0o400] {
            let secret = try Self.mountedSecret(mode: mode)
            defer { try? FileManager.default.removeItem(at: secret.directory) }
            let key = try MasterKey.load(file: secret.link, environment: [:], create: false)
            #expect(key.bytes == Data(repeating: 7, count: 32))
        }
    }

    @Test("a symlinked key file whose target group or others can read is refused")
    func symlinkToReadableRefused() throws {
        for mode: mode_t in [0o640, 0o644, 0o604] {
            let secret = try Self.mountedSecret(mode: mode)
            defer { try? FileManager.default.removeItem(at: secret.directory) }
            #expect(throws: GalleryError.self) {
                try MasterKey.load(file: secret.link, environment: [:], create: false)
            }
        }
    }

    @Test("a dangling link and a directory are refused")
    func notARegularFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-secret-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("dir.key"), withIntermediateDirectories: true)
        let dangling = directory.appendingPathComponent("dangling.key")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: "nowhere")
        #expect(throws: GalleryError.self) {
            try MasterKey.load(file: directory.appendingPathComponent("dir.key"), environment: [:], create: false)
        }
        #expect(throws: GalleryError.self) { try MasterKey.load(file: dangling, environment: [:], create: false) }
    }

    @Test("a gallery opens with a key mounted read-only through a symlink; its audit head goes to the data directory")
    func readOnlyMount() async throws {
        let secret = try Self.mountedSecret(mode: 0o400)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-data-\(UUID())")
        #expect(chmod(secret.directory.path, 0o500) == 0)
        defer {
            _ = chmod(secret.directory.path, 0o700)
            try? FileManager.default.removeItem(at: secret.directory)
            try? FileManager.default.removeItem(at: data)
        }
        var configuration = GalleryConfiguration()
        configuration.requireConsent = false
        let gallery = try await Gallery.open(
            directory: data, configuration: configuration, environment: [:], keyFile: secret.link)
        _ = try await gallery.createAPIKey(tenant: "acme", label: nil)
        let verification = try await gallery.verifyAudit()
        #expect(verification.isIntact && verification.head?.state == .current)
        if access(secret.directory.path, W_OK) != 0 {  // not when the tests run as root
            #expect(verification.head?.file == data.appendingPathComponent("audit-head").path)
        }
        await gallery.close()
    }
}
