import CallGuardKit
import Foundation

/// The one `CallGuard` of this process, and the only place one is made: an actor, so two
/// screens asking at once still get the same one, and opening (and migrating) the database
/// happens off the main thread. A `CallGuard` is safe to share between threads; its slow calls
/// (`recover()`, `storeStatus()`, `planDirectory()`, list changes: milliseconds to seconds,
/// docs/BINDINGS.md, "Threading") are made from a background task too (`AppModel.perform`).
/// The home region is fixed when a `CallGuard` is made, so choosing another region replaces
/// it; choosing another preset does not.
actor GuardService {
    static let shared = GuardService()

    private var callGuard: CallGuard?
    private var region: String?

    /// The guard for `region` under `policy`, made on first use.
    func callGuard(region: String, policy: String) throws -> CallGuard {
        if let callGuard, self.region == region {
            if callGuard.policyName() != policy {
                try callGuard.setPolicy(policy: policy, pin: nil)
            }
            return callGuard
        }
        guard let path = SharedDatabase.path else { throw SharedDatabase.Missing() }
        let made = try CallGuard(dbPath: path, homeRegion: region, policy: policy)
        callGuard = made
        self.region = region
        return made
    }
}
