/// The one wording of "this database is newer than this program", for both stores.
enum SchemaVersion {
    /// Names the version found and the newest this version knows.
    static func newerMessage(found: String, known: [String]) -> String {
        "the database has schema version \(found), written by a newer version of Likeness; "
            + "this version reads schema versions up to \(known.last ?? "none"): upgrade Likeness to open it"
    }
}
