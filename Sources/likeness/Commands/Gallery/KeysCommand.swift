import ArgumentParser
import Foundation
import Gallery

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the keys that protect the gallery.",
        subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate the master key, or with --data-key a tenant's data key and template transform.",
            discussion: """
                Master key: a new key file replaces the old one and every data key is re-wrapped. \
                Data key (--data-key): the tenant gets a new key; each stored template is moved to \
                the new secret transform (T' = R2·R1ᵀ·T) and sealed again, so templates taken \
                under the old key no longer match.
                """)

        @Flag(help: "Rotate the data key of --tenant instead of the master key.")
        var dataKey = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let store = try await gallery.open()
            if dataKey {
                let moved = try await store.rotateTenantKey(tenant: gallery.tenant)
                print("tenant \(gallery.tenant): new data key; \(moved) template(s) re-protected")
            } else {
                try await store.rotateMasterKey()
                print("master key rotated; data keys re-wrapped")
            }
        }
    }
}
