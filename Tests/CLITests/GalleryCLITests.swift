import Foundation
import TestSupport
import Testing

@testable import Gallery

/// The gallery commands as users run them, against a real data directory.
@Suite(
    "likeness gallery commands",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct GalleryCLITests {
    let cli = CLITests()
    var lfw: String { Fixtures.lfwImages.path }

    func temporaryData() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("likeness-cli-\(UUID().uuidString)").path
    }

    @Test("enrol, search, sign in, show, erase and verify the audit trail from the command line")
    func lifecycle() throws {
        let data = temporaryData()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let gul = "\(lfw)/Paul_Wolfowitz/Paul_Wolfowitz_"
        let noConsent = try cli.likeness(
            arguments: ["enroll", "--data", data, "--subject", "gul", "--no-quality", gul + "0002.jpg"])
        #expect(noConsent.status == 2 && noConsent.stderr.hasPrefix("error: consent_required:"), "\(noConsent)")
        let lowQuality = try cli.likeness(
            arguments: [
                "enroll", "--data", data, "--subject", "gul", "--consent", "identity_verification", gul + "0002.jpg",
            ])
        #expect(lowQuality.status == 2 && lowQuality.stderr.hasPrefix("error: low_quality:"), "\(lowQuality)")
        let enrolled = try cli.likeness(
            arguments: [
                "enroll", "--data", data, "--subject", "gul", "--consent", "identity_verification", "--no-quality",
                "--json", gul + "0002.jpg", gul + "0003.jpg",
            ])
        #expect(enrolled.status == 0, "\(enrolled)")
        #expect(enrolled.stdout.contains(#""status":"enrolled""#))
        let duplicate = try cli.likeness(
            arguments: [
                "enroll", "--data", data, "--subject", "alias", "--consent", "identity_verification", "--no-quality",
                gul + "0004.jpg",
            ])
        #expect(duplicate.status == 1 && duplicate.stdout.contains("possible_duplicate"), "\(duplicate)")
        #expect(duplicate.stdout.contains("gul"))
        let search = try cli.likeness(arguments: ["search", "--data", data, "--json", gul + "0005.jpg"])
        #expect(search.status == 0 && search.stdout.contains(#""subject":"gul""#), "\(search)")
        let stranger = try cli.likeness(
            arguments: ["search", "--data", data, "\(lfw)/Aaron_Peirsol/Aaron_Peirsol_0001.jpg"])
        #expect(stranger.status == 1, "\(stranger)")
        let signIn = try cli.likeness(arguments: ["subjects", "verify", "--data", data, "gul", gul + "0006.jpg"])
        #expect(signIn.status == 0 && signIn.stdout.hasPrefix("match"), "\(signIn)")
        let show = try cli.likeness(arguments: ["subjects", "show", "--data", data, "gul"])
        #expect(show.stdout.contains("2 template(s)") && show.stdout.contains("(active)"), "\(show)")
        let erase = try cli.likeness(arguments: ["subjects", "erase", "--data", data, "gul"])
        #expect(erase.status == 0 && erase.stdout.contains("2 template(s) deleted"), "\(erase)")
        let afterErase = try cli.likeness(arguments: ["search", "--data", data, gul + "0005.jpg"])
        #expect(afterErase.status == 1)
        let rotate = try cli.likeness(arguments: ["keys", "rotate", "--data", data])
        #expect(rotate.status == 0, "\(rotate)")
        let audit = try cli.likeness(arguments: ["audit", "verify", "--data", data])
        #expect(audit.status == 0 && audit.stdout.hasPrefix("audit trail intact"), "\(audit)")
        let export = try cli.likeness(arguments: ["audit", "export", "--data", data])
        let actions = export.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["action"] as? String
        }
        #expect(
            actions == [
                "consent.grant", "enroll", "consent.grant", "enroll.rejected", "search", "search", "verify", "erase",
                "search", "keys.rotate_master",
            ])
    }

    @Test("1:N identification on all of LFW through a real gallery: rank-1 ≥ 99 %, FPIR at FMR 1e-5 ≤ 2 %")
    func lfwIdentification() throws {
        let run = try cli.likeness(arguments: ["eval-gallery", "--root", lfw, "--select", "centered", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(report["enrolled"] as? Int == 1_165)
        #expect(report["mated_searches"] as? Int == 1_897)
        #expect(report["non_mated_searches"] as? Int == 1_930)
        #expect(try #require(report["rank_1"] as? Double) >= 0.99)
        let points = try #require(report["operating_points"] as? [[String: Any]])
        let strict = try #require(points.first { ($0["fmr"] as? Double) == 1e-5 })
        #expect(try #require(strict["fpir"] as? Double) <= 0.02)
        #expect(try #require(strict["tpir"] as? Double) >= 0.97)
    }

    @Test("audit verify exits 1 and names the event after a row is edited")
    func tamperedAudit() async throws {
        let data = temporaryData()
        defer { try? FileManager.default.removeItem(atPath: data) }
        for subject in ["a", "b"] {
            let run = try cli.likeness(arguments: ["consent", "grant", "--data", data, "--subject", subject])
            #expect(run.status == 0, "\(run)")
        }
        let gallery = try await Gallery.open(directory: URL(fileURLWithPath: data), environment: [:])
        let store = try #require(gallery.store as? SQLiteStore)
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE audit_event SET subject = 'c' WHERE sequence = 2")
        }
        let audit = try cli.likeness(arguments: ["audit", "verify", "--data", data])
        #expect(audit.status == 1 && audit.stdout.contains("edited at event 2"), "\(audit)")
    }
}
