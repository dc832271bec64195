import FaceKit
import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import Testing
import Workflows

@testable import Service

@Suite("Enrolment policy: each tenant's quality profile and the overrides its requests may ask for")
struct EnrollmentPolicyTests {
    /// The enrolment profile with LFW's ~42 px between the eyes allowed.
    static var portrait: QualityProfile {
        var profile = QualityProfile.enrollment
        profile.name = "portrait"
        profile.minInterEyeDistance = 30
        return profile
    }

    @Test("resolve: the tenant's profile by default; other profiles and report only when allowed")
    func resolve() throws {
        let policy = EnrollmentPolicy(
            profiles: [Self.portrait],
            tenants: ["archive": .init(profile: "portrait", allow: [.quality]), "open": .init(allow: [.profile])])
        #expect(try policy.resolve(tenant: "acme", profile: nil, quality: nil).profile == .enrollment)
        #expect(try policy.resolve(tenant: "acme", profile: "enrollment", quality: .enforce).mode == .enforce)
        func refused(_ tenant: String, _ profile: String?, _ mode: QualityMode?) -> ProblemCode? {
            do {
                _ = try policy.resolve(tenant: tenant, profile: profile, quality: mode)
                return nil
            } catch let error as WorkflowError {
                return error.code
            } catch {
                return .internalError
            }
        }
        #expect(refused("acme", "selfie", nil) == .overrideNotAllowed)
        #expect(refused("acme", nil, .report) == .overrideNotAllowed)
        let archive = try policy.resolve(tenant: "archive", profile: nil, quality: .report)
        #expect(archive.profile == Self.portrait)
        #expect(archive.mode == .report)
        #expect(refused("archive", "enrollment", nil) == .overrideNotAllowed)
        #expect(try policy.resolve(tenant: "open", profile: "portrait", quality: nil).profile == Self.portrait)
        #expect(refused("open", "nope", nil) == .validationFailed)
        #expect(refused("open", nil, .report) == .overrideNotAllowed)
    }

    @Test("the config file's enrollment section: read, checked, typos refused")
    func configuration() throws {
        var portrait = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.portrait)) as! [String: Any]
        portrait["name"] = "portrait"
        let file: [String: Any] = [
            "port": 9000,
            "enrollment": [
                "allow": ["quality"], "profiles": [portrait],
                "tenants": ["archive": ["profile": "portrait", "allow": ["profile", "quality"]]],
            ],
        ]
        let settings = try JSONDecoder().decode(
            ServiceConfiguration.self, from: JSONSerialization.data(withJSONObject: file))
        #expect(settings.problems().isEmpty)
        #expect(settings.enrollment.profile == "enrollment")
        #expect(settings.enrollment.rule(for: "acme").allow == [.quality])
        #expect(settings.enrollment.rule(for: "archive").profile == "portrait")
        #expect(settings.enrollment.rule(for: "archive").allow == [.profile, .quality])
        #expect(ServiceConfiguration().enrollment.rule(for: "any").allow.isEmpty, "no override by default")

        var unknown = settings
        unknown.enrollment.tenants["lost"] = .init(profile: "missing")
        #expect(
            unknown.problems().contains { $0.hasPrefix("enrollment.tenants.lost.profile: no quality profile missing") })
        for typo in [
            #"{"enrollment": {"allows": ["profile"]}}"#, #"{"enrollment": {"tenants": {"a": {"profle": "x"}}}}"#,
        ] {
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode(ServiceConfiguration.self, from: Data(typo.utf8))
            }
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ServiceConfiguration.self, from: Data(#"{"enrollment": {"allow": ["all"]}}"#.utf8))
        }
    }

    @Test(
        "POST /v1/subjects/{id}/faces: LFW photos fail the default profile, each named; a tenant's policy lets them in",
        .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
    func routes() async throws {
        // LFW faces have about 42 px between the eyes, against the enrollment profile's 45.
        let paul = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let paulEnlarged = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0004.jpg")
        let paulAgain = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0004.jpg")
        let jennifer = try ServiceFixtures.bytes("Jennifer_Lopez/Jennifer_Lopez_0003.jpg")
        let harness = try await ServiceHarness.make { configuration in
            configuration.enrollment = EnrollmentPolicy(
                profiles: [Self.portrait], tenants: ["globex": .init(profile: "portrait", allow: [.profile, .quality])])
        }
        for (tenant, subject) in [("acme", "paul"), ("globex", "paul"), ("globex", "jennifer")] {
            _ = try await harness.gallery.createSubject(tenant: tenant, subject: subject, metadata: nil)
            _ = try await harness.gallery.grantConsent(
                tenant: tenant, subject: subject, purpose: Gallery.defaultPurpose, textVersion: "v1", text: "yes",
                evidence: nil)
        }
        try await harness.run { client in
            func enroll(_ key: String, _ subject: String, _ images: [[UInt8]], _ fields: [(String, String)] = [])
                async throws -> (HTTPResponse.Status, [String: Any])
            {
                let parts =
                    images.map { ("image", $0, Optional("face.jpg")) } + fields.map { ($0.0, Array($0.1.utf8), nil) }
                return try await client.execute(
                    uri: "/v1/subjects/\(subject)/faces", method: .post, headers: HTTPBody.headers(key, json: false),
                    body: HTTPBody.multipart(parts)
                ) { response in (response.status, (try? HTTPBody.object(response)) ?? [:]) }
            }
            // The default policy: every image below the profile is named, not only the first.
            let (status, problem) = try await enroll(harness.keyA, "paul", [paul, paulEnlarged, jennifer])
            #expect(status == .unprocessableContent)
            #expect(problem["code"] as? String == "low_quality")
            let rejected = problem["rejected"] as? [[String: Any]] ?? []
            #expect(rejected.compactMap { $0["image"] as? String } == ["image[0]", "image[2]"], "\(problem)")
            #expect(rejected.allSatisfy { ($0["reasons"] as? [String])?.contains("face_too_small") == true })
            #expect((problem["reasons"] as? [String])?.contains("face_too_small") == true)
            #expect((problem["detail"] as? String)?.contains("2 of 3 images") == true, "\(problem)")
            // Overrides the default policy does not allow.
            for fields in [[("profile", "selfie")], [("quality", "report")], [("profile", "portrait")]] {
                let (status, problem) = try await enroll(harness.keyA, "paul", [paul], fields)
                #expect(status == .forbidden, "\(fields)")
                #expect(problem["code"] as? String == "override_not_allowed", "\(fields)")
            }
            // Naming the tenant's own profile or enforce is no override.
            #expect(
                try await enroll(harness.keyA, "paul", [paul], [("profile", "enrollment")]).0 == .unprocessableContent)
            #expect(try await enroll(harness.keyA, "paul", [paul], [("quality", "bogus")]).0 == .badRequest)

            // Tenant globex enrols with the portrait profile: the same photos pass.
            let (enrolled, document) = try await enroll(harness.keyB, "paul", [paul, paulAgain])
            #expect(enrolled == .created, "\(document)")
            #expect(document["profile"] as? String == "portrait")
            #expect((document["templates"] as? [Any])?.count == 2)
            #expect((document["quality_failures"] as? [Any])?.isEmpty == true)
            // Its policy allows report: the stricter profile's failures are enrolled and named.
            let (reported, answer) = try await enroll(
                harness.keyB, "jennifer", [jennifer], [("profile", "enrollment"), ("quality", "report")])
            #expect(reported == .created, "\(answer)")
            #expect(answer["profile"] as? String == "enrollment")
            let failures = answer["quality_failures"] as? [[String: Any]] ?? []
            #expect(failures.first?["image"] as? String == "image")
            #expect((failures.first?["reasons"] as? [String])?.contains("face_too_small") == true)
            #expect(try await enroll(harness.keyB, "jennifer", [jennifer], [("profile", "nope")]).0 == .badRequest)
        }
    }

    @Test("detect with for_enrollment judges a photo under the profile the key's tenant enrols with")
    func detectForEnrollment() async throws {
        let paul = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let harness = try await ServiceHarness.make { configuration in
            configuration.enrollment = EnrollmentPolicy(
                profiles: [Self.portrait], tenants: ["globex": .init(profile: "portrait")])
        }
        try await harness.run { client in
            func detect(_ key: String, _ fields: [(String, String)]) async throws -> (
                HTTPResponse.Status, [String: Any]
            ) {
                var status = HTTPResponse.Status.ok
                var answer: [String: Any] = [:]
                let parts = [("image", paul, "a.jpg")] + fields.map { ($0.0, Array($0.1.utf8), nil as String?) }
                try await client.execute(
                    uri: "/v1/detect", method: .post, headers: HTTPBody.headers(key, json: false),
                    body: HTTPBody.multipart(parts)
                ) { response in
                    status = response.status
                    answer = (try? HTTPBody.object(response)) ?? [:]
                    #expect(response.headers[.cacheControl] == "no-store")
                }
                return (status, answer)
            }
            func profile(_ answer: [String: Any]) -> String? {
                ((answer["faces"] as? [[String: Any]])?.first?["quality"] as? [String: Any])?["profile"] as? String
            }
            #expect(profile(try await detect(harness.keyA, [("for_enrollment", "true")]).1) == "enrollment")
            #expect(profile(try await detect(harness.keyB, [("for_enrollment", "true")]).1) == "portrait")
            #expect(profile(try await detect(harness.keyB, [("for_enrollment", "false")]).1) == "selfie")
            let both = try await detect(harness.keyB, [("for_enrollment", "true"), ("profile", "selfie")])
            #expect(both.0 == .badRequest)
            #expect(both.1["code"] as? String == "validation_failed")
        }
    }
}
