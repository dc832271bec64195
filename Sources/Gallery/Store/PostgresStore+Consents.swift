import Foundation
import PostgresNIO

extension PostgresStore {
    public func grantConsent(
        _ consent: NewConsent, subjectID: Int64, audit: AuditDraft, signer: AuditSigner
    ) async throws -> Consent {
        try await transaction("recording a consent") { connection in
            let now = PostgresStore.nowMilliseconds
            let rows = try await connection.rows(
                """
                INSERT INTO consent (subject_id, purpose, text_version, text_hash, granted_at, evidence)
                VALUES (\(subjectID), \(consent.purpose), \(consent.textVersion), \(consent.textHash), \(now),
                    \(consent.evidence))
                RETURNING id
                """)
            guard let row = rows.first else { throw GalleryError(.storeFailure, "a consent insert returned no id") }
            _ = try await PostgresStore.append(audit, signer: signer, on: connection)
            return Consent(
                id: try row.value("id"), subjectID: subjectID, purpose: consent.purpose,
                textVersion: consent.textVersion, textHash: consent.textHash, grantedAt: PostgresStore.date(now),
                revokedAt: nil, evidence: consent.evidence)
        }
    }

    public func revokeConsent(
        purpose: String, subjectID: Int64, audit: AuditDraft, signer: AuditSigner
    ) async throws -> Int {
        try await transaction("revoking a consent") { connection in
            let count = try await connection.rows(
                """
                UPDATE consent SET revoked_at = \(PostgresStore.nowMilliseconds)
                WHERE subject_id = \(subjectID) AND purpose = \(purpose) AND revoked_at IS NULL
                RETURNING id
                """
            ).count
            var audit = audit
            audit.details["revoked"] = .int(count)
            _ = try await PostgresStore.append(audit, signer: signer, on: connection)
            return count
        }
    }

    public func consents(subjectID: Int64) async throws -> [Consent] {
        try await rows("reading consents", "SELECT * FROM consent WHERE subject_id = \(subjectID) ORDER BY id").map {
            row in
            Consent(
                id: try row.value("id"), subjectID: try row.value("subject_id"), purpose: try row.value("purpose"),
                textVersion: try row.value("text_version"), textHash: try row.value("text_hash"),
                grantedAt: PostgresStore.date(try row.value("granted_at")),
                revokedAt: try row.value("revoked_at", as: Int64?.self).map(PostgresStore.date),
                evidence: try row.value("evidence"))
        }
    }
}
