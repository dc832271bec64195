import Crypto
import Foundation
import Testing

@testable import Gallery

@Suite("Privacy of stored templates")
struct PrivacyTests {
    @Test("no template vector, raw or transformed, is in the database files")
    func noPlaintext() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let faces = (UInt64(1)...20).map { GalleryFixture.face($0) }
        for (i, face) in faces.enumerated() { try await fixture.enroll("s\(i)", [face]) }
        let keys = try await fixture.gallery.keys(for: "acme", create: false)
        let bytes = fixture.databaseBytes()
        #expect(bytes.count > 10_000)
        for face in faces {
            let protected = keys.transform.apply(face)
            for start in stride(from: 0, to: 512, by: 64) {
                #expect(!bytes.contains(bytesOf: face[start..<(start + 4)]))
                #expect(!bytes.contains(bytesOf: protected[start..<(start + 4)]))
            }
        }
        // The check can fail: the same vectors written in the clear are found.
        let clear = faces[0].withUnsafeBufferPointer { Data(buffer: $0) }
        #expect(clear.contains(bytesOf: faces[0][64..<68]))
    }

    @Test("the same face enrolled by two tenants cannot be linked; within a tenant, scores are unchanged")
    func unlinkableAcrossTenants() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let faces = (UInt64(1)...150).map { GalleryFixture.face($0) }
        for (i, face) in faces.enumerated() {
            try await fixture.enroll("s\(i)", [face], tenant: "bank-a", policy: .enrollAndFlag)
            try await fixture.enroll(
                "s\(i)", [GalleryFixture.face(UInt64(i) + 10_000, near: face, noise: 0.5)], tenant: "bank-b",
                policy: .enrollAndFlag)
        }
        let a = try await storedVectors(fixture, tenant: "bank-a")
        let b = try await storedVectors(fixture, tenant: "bank-b")
        var sameFace: [Double] = []
        var differentFaces: [Double] = []
        for i in 0..<faces.count {
            sameFace.append(Double(dot(a[i], b[i])))
            differentFaces.append(Double(dot(a[i], b[(i + 1) % faces.count])))
        }
        // Without the transforms the same face would score about 0.9 across tenants.
        #expect(abs(sameFace.reduce(0, +) / Double(sameFace.count)) < 0.015)
        #expect(sameFace.map(abs).max()! < 0.25)
        // Keys are random each run, so the bound is the two-sample KS critical value at α = 1e-4
        // (2.22·√(2/150) ≈ 0.26); linkable templates (cosine ≈ 0.9) would give a statistic near 1.
        #expect(
            kolmogorovSmirnov(sameFace, differentFaces) < 0.26, "cross-tenant genuine scores look like impostor scores")
        // Inside one tenant the stored templates keep their similarities.
        let keys = try await fixture.gallery.keys(for: "bank-b", create: false)
        let original = GalleryFixture.face(10_003, near: faces[3], noise: 0.5)
        #expect(abs(Double(dot(b[3], keys.transform.apply(original))) - 1) < 1e-5)
    }

    @Test("rotating a tenant's data key re-protects templates (T' = R2 R1^T T) and search still works")
    func tenantKeyRotation() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let faces = (UInt64(1)...30).map { GalleryFixture.face($0) }
        for (i, face) in faces.enumerated() { try await fixture.enroll("s\(i)", [face]) }
        let oldKeys = try await fixture.gallery.keys(for: "acme", create: false)
        let before = try await fixture.gallery.store.templates(tenantID: oldKeys.tenant.id, pack: GalleryFixture.pack)
        #expect(try await fixture.gallery.rotateTenantKey(tenant: "acme") == 30)
        let reopened = try await fixture.reopen()
        let newKeys = try await reopened.keys(for: "acme", create: false)
        #expect(newKeys.tenant.keyVersion == oldKeys.tenant.keyVersion + 1)
        let stored = try await storedVectors(fixture, tenant: "acme", gallery: reopened)
        for (face, vector) in zip(faces, stored) {
            let expected = newKeys.transform.apply(face)
            #expect(zip(expected, vector).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(abs(dot(vector, oldKeys.transform.apply(face))) < 0.25, "old protected form no longer matches")
        }
        for template in before {
            let context = TenantKeys.context(
                tenantID: newKeys.tenant.id, subjectID: template.subjectID,
                externalID: template.subjectExternalID ?? "", pack: template.pack,
                keyVersion: template.keyVersion ?? newKeys.tenant.keyVersion)
            #expect(throws: GalleryError.self) { try newKeys.cipher.open(template.sealed, context: context) }
        }
        let probe = GalleryFixture.face(777, near: faces[9], noise: 0.8)
        let top = try await reopened.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: probe, k: 1, threshold: 0.3)
        #expect(top.first?.subject == "s9")
        #expect(try await reopened.verifyAudit().isIntact)
    }

    @Test("the master key file is created 0600, a readable one is refused, and the wrong key opens nothing")
    func masterKeyFile() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        try await fixture.enroll("a", [GalleryFixture.face(1)])
        let keyFile = fixture.directory.appendingPathComponent("master.key")
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let database = fixture.directory.appendingPathComponent("gallery.sqlite").path
        #expect(try FileManager.default.attributesOfItem(atPath: database)[.posixPermissions] as? Int == 0o600)
        chmod(keyFile.path, 0o644)
        await #expect(throws: GalleryError.self) { try await fixture.reopen() }
        chmod(keyFile.path, 0o600)
        let wrong = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        await #expect(throws: GalleryError.self) {
            try await Gallery.open(directory: fixture.directory, environment: [MasterKey.environmentVariable: wrong])
        }
        let right = try String(contentsOf: keyFile, encoding: .utf8)
        let viaEnvironment = try await Gallery.open(
            directory: fixture.directory, environment: [MasterKey.environmentVariable: right])
        #expect(try await viaEnvironment.subjects(tenant: "acme").count == 1)
        await #expect(throws: GalleryError.self) { try await viaEnvironment.rotateMasterKey() }
    }

    @Test("rotating the master key re-wraps every key; the old key no longer opens the gallery")
    func masterKeyRotation() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        try await fixture.enroll("a", [GalleryFixture.face(1)])
        let keyFile = fixture.directory.appendingPathComponent("master.key")
        let oldKey = try String(contentsOf: keyFile, encoding: .utf8)
        try await fixture.gallery.rotateMasterKey()
        let newKey = try String(contentsOf: keyFile, encoding: .utf8)
        #expect(newKey != oldKey)
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int == 0o600)
        let reopened = try await fixture.reopen()
        let top = try await reopened.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(1), k: 1, threshold: 0.3)
        #expect(top.first?.subject == "a")
        await #expect(throws: GalleryError.self) {
            try await Gallery.open(directory: fixture.directory, environment: [MasterKey.environmentVariable: oldKey])
        }
        #expect(try await reopened.verifyAudit().isIntact)
        // A rotation that died before its commit leaves a stray next key: it is discarded.
        let stray = fixture.directory.appendingPathComponent("master.key.next")
        try MasterKey.write(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }, to: stray, exclusive: true)
        _ = try await fixture.reopen()
        #expect(!FileManager.default.fileExists(atPath: stray.path))
        #expect(try String(contentsOf: keyFile, encoding: .utf8) == newKey)
    }

    func storedVectors(_ fixture: GalleryFixture, tenant: String, gallery: Gallery? = nil) async throws -> [[Float]] {
        let gallery = gallery ?? fixture.gallery
        let keys = try await gallery.keys(for: tenant, create: false)
        return try await gallery.store.templates(tenantID: keys.tenant.id, pack: GalleryFixture.pack).map { template in
            try keys.open(template)
        }
    }

    func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// The two-sample Kolmogorov–Smirnov statistic.
    func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> Double {
        let values = (a + b).sorted()
        let sa = a.sorted()
        let sb = b.sorted()
        var largest = 0.0
        for v in values {
            let fa = Double(sa.prefix { $0 <= v }.count) / Double(sa.count)
            let fb = Double(sb.prefix { $0 <= v }.count) / Double(sb.count)
            largest = max(largest, abs(fa - fb))
        }
        return largest
    }
}
