import Crypto
import Foundation
import TestSupport
import Testing

@testable import Gallery

@Suite("Template protection")
struct TemplateProtectionTests {

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        Double(zip(a, b).reduce(0) { $0 + $1.0 * $1.1 })
            / (Double(a.reduce(0) { $0 + $1 * $1 }).squareRoot() * Double(b.reduce(0) { $0 + $1 * $1 }).squareRoot())
    }

    static var keyA: SymmetricKey { SymmetricKey(data: Data(repeating: 0xA1, count: 32)) }
    static var keyB: SymmetricKey { SymmetricKey(data: Data(repeating: 0xB2, count: 32)) }
    static let transformA = TenantTransform(key: keyA)
    static let transformB = TenantTransform(key: keyB)

    @Test("the transform preserves cosine similarity within 1e-5 and is deterministic per key")
    func preservesCosine() {
        let t = Self.transformA
        for seed in UInt64(1)...20 {
            let a = TestVectors.unit(seed: seed)
            let b = TestVectors.unit(seed: seed + 100, near: a, noise: 0.05)
            #expect(abs(Self.cosine(t.apply(a), t.apply(b)) - Self.cosine(a, b)) < 1e-5)
            #expect(abs(Self.cosine(t.apply(a), a)) < 0.25, "the protected template must not resemble the original")
        }
        #expect(TenantTransform(key: Self.keyA).matrix == t.matrix)
        #expect(Self.transformB.matrix != t.matrix)
    }

    @Test("one face under two tenants' keys scores like an impostor pair")
    func unlinkable() {
        var crossTenant: [Double] = []
        var impostor: [Double] = []
        for seed in UInt64(1)...200 {
            let face = TestVectors.unit(seed: seed)
            let sameFaceOtherCapture = TestVectors.unit(seed: seed + 10_000, near: face, noise: 0.03)
            crossTenant.append(Self.cosine(Self.transformA.apply(face), Self.transformB.apply(sameFaceOtherCapture)))
            impostor.append(
                Self.cosine(Self.transformA.apply(face), Self.transformA.apply(TestVectors.unit(seed: seed + 50_000))))
        }
        func meanAndMax(_ v: [Double]) -> (Double, Double) { (v.reduce(0, +) / Double(v.count), v.map(abs).max()!) }
        let (crossMean, crossMax) = meanAndMax(crossTenant)
        let (impostorMean, impostorMax) = meanAndMax(impostor)
        // Random 512-D unit vectors: cosine ~ N(0, 1/512), sd 0.044.
        #expect(abs(crossMean) < 0.01 && abs(impostorMean) < 0.01)
        #expect(crossMax < 0.2 && impostorMax < 0.2)
    }

    @Test("re-keying moves stored templates to the new key without the originals: T' = R2 R1^T T")
    func rekey() {
        let face = TestVectors.unit(seed: 7)
        let stored = Self.transformA.apply(face)
        let moved = Self.transformB.reprotect(stored, from: Self.transformA)
        let direct = Self.transformB.apply(face)
        #expect(zip(moved, direct).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(zip(Self.transformA.unapply(stored), face).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test("sealed templates hide the vector, open with the right key and context, and refuse anything else")
    func cipher() throws {
        let cipher = try TemplateCipher(dataKey: SymmetricKey(size: .bits256))
        let vector = TestVectors.unit(seed: 3)
        let sealed = try cipher.seal(vector, context: "tenant-a/subject-1/pack-v1")
        let plain = vector.withUnsafeBufferPointer { Data(buffer: $0) }
        #expect(sealed.count == plain.count + 28)
        #expect(sealed.range(of: plain.prefix(16)) == nil, "no plaintext run may appear in the sealed form")
        #expect(try cipher.open(sealed, context: "tenant-a/subject-1/pack-v1") == vector)
        #expect(throws: GalleryError.self) { try cipher.open(sealed, context: "tenant-a/subject-2/pack-v1") }
        var flipped = sealed
        flipped[20] ^= 1
        #expect(throws: GalleryError.self) { try cipher.open(flipped, context: "tenant-a/subject-1/pack-v1") }
        let other = try TemplateCipher(dataKey: SymmetricKey(size: .bits256))
        #expect(throws: GalleryError.self) { try other.open(sealed, context: "tenant-a/subject-1/pack-v1") }
        #expect(throws: GalleryError.self) { try TemplateCipher(dataKey: SymmetricKey(size: .bits128)) }
    }

    @Test("data keys are wrapped by the master key and bound to their tenant")
    func keyWrapping() throws {
        let wrapper = try KeyWrapper(masterKey: SymmetricKey(size: .bits256))
        let (key, wrapped) = try wrapper.newDataKey(.tenant("a"))
        let raw = key.withUnsafeBytes { Data($0) }
        #expect(wrapped.range(of: raw) == nil)
        let unwrapped = try wrapper.unwrap(wrapped, .tenant("a"))
        #expect(unwrapped.withUnsafeBytes { Data($0) } == raw)
        #expect(throws: GalleryError.self) { try wrapper.unwrap(wrapped, .tenant("b")) }
        let otherMaster = try KeyWrapper(masterKey: SymmetricKey(size: .bits256))
        #expect(throws: GalleryError.self) { try otherMaster.unwrap(wrapped, .tenant("a")) }
    }

    @Test("a tenant named like a system secret cannot stand for it: the wrap contexts differ by purpose")
    func wrapContextsDoNotCollide() throws {
        let wrapper = try KeyWrapper(masterKey: SymmetricKey(size: .bits256))
        let (_, tenantKey) = try wrapper.newDataKey(.tenant("audit"))
        let (_, systemKey) = try wrapper.newDataKey(.system("audit"))
        #expect(throws: GalleryError.self) { try wrapper.unwrap(tenantKey, .system("audit")) }
        #expect(throws: GalleryError.self) { try wrapper.unwrap(systemKey, .tenant("audit")) }
        // Before key format 2 both were `tenant:audit`: a tenant's key opened as the audit key.
        let (_, legacy) = try wrapper.newDataKey(.legacy("audit"))
        #expect(throws: GalleryError.self) { try wrapper.unwrap(legacy, .system("audit")) }
        #expect(
            WrapContext.tenant("x/system-secret/audit").associatedData != WrapContext.system("audit").associatedData)
    }

    @Test("a template's context binds its subject's external id, length-prefixed")
    func templateContext() throws {
        let a = TenantKeys.context(tenantID: 1, subjectID: 2, externalID: "alice", pack: "p", keyVersion: 1)
        #expect(a != TenantKeys.context(tenantID: 1, subjectID: 2, externalID: "bob", pack: "p", keyVersion: 1))
        #expect(a != TenantKeys.context(tenantID: 1, subjectID: 2, externalID: "alice", pack: "p", keyVersion: 2))
        // Bytes cannot move between the external id and the pack.
        #expect(
            TenantKeys.context(tenantID: 1, subjectID: 2, externalID: "a/p1:b", pack: "c", keyVersion: 1)
                != TenantKeys.context(tenantID: 1, subjectID: 2, externalID: "a", pack: "b/p1:c", keyVersion: 1))
    }
}
