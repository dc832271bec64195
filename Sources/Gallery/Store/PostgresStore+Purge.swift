import Foundation
import PostgresNIO

extension PostgresStore {
    public func purgeErased() async throws -> Bool {
        throw GalleryError(.storeFailure, "purgeErased: not yet implemented")
    }
}
