import Foundation

extension Gallery {
    /// Tries to purge erased bytes at once; leaves the rest to the background purger.
    func purgeSoon() async -> Bool {
        (try? await store.purgeErased()) ?? false
    }
}
