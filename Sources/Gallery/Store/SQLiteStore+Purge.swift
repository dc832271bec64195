import Foundation
import GRDB

extension SQLiteStore {
    public func purgeErased() async throws -> Bool {
        throw GalleryError(.storeFailure, "purgeErased: not yet implemented")
    }
}
