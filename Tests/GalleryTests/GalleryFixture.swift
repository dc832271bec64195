import Foundation
import GRDB
import TestSupport
import Testing

@testable import Gallery

/// A gallery in a fresh temporary directory, with synthetic unit templates.
struct GalleryFixture {
    static let pack = "test-pack-v1"
    let directory: URL
    let gallery: Gallery

    init(requireConsent: Bool = true, approximateAbove: Int = 20_000) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-test-\(UUID().uuidString)")
        gallery = try await GalleryFixture.open(
            directory, requireConsent: requireConsent, approximateAbove: approximateAbove)
    }

    static func open(_ directory: URL, requireConsent: Bool = true, approximateAbove: Int = 20_000) async throws
        -> Gallery
    {
        var configuration = GalleryConfiguration()
        configuration.requireConsent = requireConsent
        configuration.approximateAbove = approximateAbove
        configuration.actor = "test"
        return try await Gallery.open(directory: directory, configuration: configuration, environment: [:])
    }

    func reopen(requireConsent: Bool = true) async throws -> Gallery {
        try await GalleryFixture.open(directory, requireConsent: requireConsent)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// A seeded unit vector; `near` gives another capture of the same face (cosine ≈ 1/√(1+noise²)).
    static func face(_ seed: UInt64, near base: [Float]? = nil, noise: Double = 1) -> [Float] {
        // The noise vector's norm is `noise` (per-component sd noise/√512); the base is a unit vector.
        TestVectors.unit(seed: seed, near: base, noise: base == nil ? 1 : noise / 512.0.squareRoot())
    }

    /// Consent, then enrolment with the default duplicate rule.
    @discardableResult
    func enroll(
        _ subject: String, _ vectors: [[Float]], tenant: String = "acme", policy: DuplicatePolicy = .reject,
        consent: Bool = true
    ) async throws -> EnrollmentResult {
        if consent {
            _ = try await gallery.grantConsent(
                tenant: tenant, subject: subject, purpose: Gallery.defaultPurpose, textVersion: "v1",
                text: "I agree.", evidence: "test")
        }
        return try await gallery.enroll(
            EnrollmentRequest(
                tenant: tenant, subject: subject, pack: GalleryFixture.pack,
                samples: vectors.map { EnrollmentSample(vector: $0, quality: 0.9) }, duplicateThreshold: 0.34,
                policy: policy))
    }

    /// The database file and its write-ahead log, as raw bytes.
    func databaseBytes() -> Data {
        var bytes = Data()
        for suffix in ["", "-wal"] {
            bytes.append(
                FileManager.default.contents(atPath: directory.appendingPathComponent("gallery.sqlite" + suffix).path)
                    ?? Data())
        }
        return bytes
    }

    /// Runs raw SQL on the database, as an intruder with file access would.
    func tamper(_ sql: String) async throws {
        let store = try #require(gallery.store as? SQLiteStore)
        try await store.pool.write { db in try db.execute(sql: sql) }
    }
}

extension Data {
    func contains(bytesOf vector: ArraySlice<Float>) -> Bool {
        let needle = Array(vector).withUnsafeBufferPointer { Data(buffer: $0) }
        return range(of: needle) != nil
    }
}
