import ArgumentParser
import Foundation
import Gallery

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys, and the keys that protect the gallery.",
        discussion: """
            Examples:
              likeness keys create --tenant acme --label backend
              likeness keys list --tenant acme
              likeness keys rotate --data /srv/likeness/data
            """,
        subcommands: [Create.self, List.self, Revoke.self, Rotate.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for --tenant; the secret is printed once and only an HMAC of it is stored.",
            discussion: """
                Examples:
                  likeness keys create --tenant acme --label backend
                  likeness keys create --tenant acme --json
                """)

        @Option(help: "A note on who uses the key.")
        var label: String?

        @Flag(help: "Print the key as one JSON object.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let issued = try await gallery.open().createAPIKey(tenant: gallery.tenant, label: label)
            if json {
                try printJSONLine(["id": issued.key.id, "tenant": issued.key.tenantName, "secret": issued.secret])
            } else {
                print("key \(issued.key.id) for tenant \(issued.key.tenantName) (shown once, keep it safe):")
                print(issued.secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List API keys (ids, never secrets).",
            discussion: """
                Examples:
                  likeness keys list --tenant acme
                  likeness keys list --all --json
                """)

        @Flag(help: "Every tenant's keys, not only --tenant's.")
        var all = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let keys = try await gallery.open().apiKeys(tenant: all ? nil : gallery.tenant)
            let format = ISO8601DateFormatter()
            for key in keys {
                let state = key.revokedAt.map { "revoked \(format.string(from: $0))" } ?? "active"
                print(
                    "\(key.id)  \(key.tenantName)  \(format.string(from: key.createdAt))  \(state)  \(key.label ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by its id (k_…).",
            discussion: """
                Examples:
                  likeness keys revoke k_9c59702b0b72 --tenant acme
                """)

        @Argument(help: "The key's id, as `keys create` and `keys list` print it.")
        var id: String

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            try await gallery.open().revokeAPIKey(id: id)
            print("key \(id) revoked")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate the master key, or with --data-key a tenant's data key and template transform.",
            discussion: """
                Master key: a new key file replaces the old one and every data key is re-wrapped. \
                Data key (--data-key): the tenant gets a new key; each stored template is moved to \
                the new secret transform (T' = R2·R1ᵀ·T) and sealed again, so templates taken \
                under the old key no longer match.

                Examples:
                  likeness keys rotate --data /srv/likeness/data
                  likeness keys rotate --data-key --tenant acme
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
