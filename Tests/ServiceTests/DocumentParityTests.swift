import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Service

/// One question, one document: `likeness X --json` prints what the matching HTTP route answers.
@Suite(
    "CLI --json and HTTP give the same documents", .serialized,
    .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct DocumentParityTests {
    static let gulA = "Abdullah_Gul/Abdullah_Gul_0013.jpg"
    static let gulB = "Abdullah_Gul/Abdullah_Gul_0014.jpg"
    static let other = "Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg"

    static func path(_ relative: String) -> String { Fixtures.lfwImages.appendingPathComponent(relative).path }

    /// The CLI's JSON line, with its exit status checked against the expected ones.
    static func cli(_ arguments: [String], statuses: Set<Int32> = [0, 1]) throws -> String {
        let run = try LikenessBinary.run(arguments)
        #expect(statuses.contains(run.status), "likeness \(arguments.joined(separator: " ")): \(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func multipart(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("audit verify: GET /v1/audit/verify and `audit verify --only-tenant --json` print the same document")
    func auditVerification() async throws {
        let harness = try await ServiceHarness.make()
        let data = harness.directory.path
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/subjects", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["id": "yao"])
            ) { #expect($0.status == .created) }
            let cli = try Self.cli(
                ["audit", "verify", "--data", data, "--tenant", "acme", "--only-tenant", "--json"], statuses: [0])
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: HTTPBody.headers(harness.keyA)) {
                response in
                #expect(response.status == .ok)
                #expect(Self.multipart(response) == cli)
                let answer = try HTTPBody.object(response)
                #expect(answer["intact"] as? Bool == true)
                #expect((answer["events"] as? Int ?? 0) >= 3)  // two keys created, one subject
                #expect((answer["problems"] as? [Any])?.isEmpty == true)
                #expect(answer["problems_in_other_tenants"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/audit/verify", method: .get) { #expect($0.status == .unauthorized) }
            let whole = try Self.cli(["audit", "verify", "--data", data, "--json"], statuses: [0])
            #expect(!whole.contains("problems_in_other_tenants"))
        }
    }

    @Test("verify, detect, search and subject verify: byte-for-byte the same JSON")
    func sameDocuments() async throws {
        let harness = try await ServiceHarness.make()
        let data = harness.directory.path
        try await harness.run { client in
            // Enrolled by the CLI before the server's first search, so its index holds the template.
            _ = try Self.cli(
                [
                    "enroll", "--data", data, "--tenant", "acme", "--subject", "gul", "--consent",
                    "identity_verification", "--no-quality", Self.path(Self.gulA),
                ], statuses: [0])
            let a = try ServiceFixtures.bytes(Self.gulA)
            let b = try ServiceFixtures.bytes(Self.gulB)
            let c = try ServiceFixtures.bytes(Self.other)
            let form = HTTPBody.headers(harness.keyA, json: false)

            for (second, bytes) in [(Self.gulB, b), (Self.other, c)] {
                let cli = try Self.cli(["verify", "--json", Self.path(Self.gulA), Self.path(second)])
                try await client.execute(
                    uri: "/v1/verify", method: .post, headers: form,
                    body: HTTPBody.multipart([("first", a, "a.jpg"), ("second", bytes, "b.jpg")])
                ) { response in
                    #expect(response.status == .ok)
                    #expect(Self.multipart(response) == cli)
                }
            }

            let detect = try Self.cli(["detect", "--json", "--landmarks", Self.path(Self.other)], statuses: [0])
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: form, body: HTTPBody.multipart([("image", c, "c.jpg")])
            ) { response in
                #expect(response.status == .ok)
                #expect(Self.multipart(response) == detect)
            }

            for probe in [b, c] {
                let file = probe == b ? Self.gulB : Self.other
                let search = try Self.cli([
                    "search", "--json", "--data", data, "--tenant", "acme", "--top", "5", Self.path(file),
                ])
                try await client.execute(
                    uri: "/v1/search", method: .post, headers: form,
                    body: HTTPBody.multipart([("image", probe, "p.jpg"), ("k", Array("5".utf8), nil)])
                ) { response in
                    #expect(response.status == .ok)
                    #expect(Self.multipart(response) == search)
                }
                let signIn = try Self.cli([
                    "subjects", "verify", "--json", "--data", data, "--tenant", "acme", "gul", Self.path(file),
                ])
                try await client.execute(
                    uri: "/v1/subjects/gul/verify", method: .post, headers: form,
                    body: HTTPBody.multipart([("image", probe, "p.jpg")])
                ) { response in
                    #expect(response.status == .ok)
                    #expect(Self.multipart(response) == signIn)
                }
            }
        }
    }

    @Test("cluster: the CLI's document is the API's, plus its photo paths and run summary")
    func sameClusters() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-parity-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = [
            Self.gulA, Self.gulB, "Abdullah_Gul/Abdullah_Gul_0016.jpg", Self.other,
            "Paul_Wolfowitz/Paul_Wolfowitz_0003.jpg", "Colin_Powell/Colin_Powell_0038.jpg",
        ]
        var uploads: [(String, [UInt8], String?)] = []
        for (position, photo) in photos.enumerated() {
            let bytes = try ServiceFixtures.bytes(photo)
            let name = "\(position)-\((photo as NSString).lastPathComponent)"  // walk order = upload order
            try Data(bytes).write(to: folder.appendingPathComponent(name))
            uploads.append(("image", bytes, name))
        }
        let output = folder.appendingPathComponent("groups.json")
        _ = try Self.cli(["cluster", folder.path, "--no-cache", "--json", output.path], statuses: [0])
        var cli = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        #expect(cli.removeValue(forKey: "summary") != nil)
        #expect((cli.removeValue(forKey: "images") as? [String])?.count == photos.count)
        let expected = try JSONSerialization.data(withJSONObject: cli, options: .sortedKeys)
        let body = HTTPBody.multipart(uploads)

        let harness = try await ServiceHarness.make { $0.maxBodyBytes = 8_000_000 }
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/cluster", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: body
            ) { response in
                #expect(response.status == .ok)
                let api = try HTTPBody.object(response)
                #expect(try JSONSerialization.data(withJSONObject: api, options: .sortedKeys) == expected)
                #expect((api["groups"] as? [[String: Any]])?.count == 2)
            }
        }
    }
}
