import Foundation

/// Where the app and the Call Directory extension find the database: one SQLite file in the
/// App Group container both are entitled to (`CallGuardAppGroup` in each Info.plist). The app
/// writes it; the extension, a separate process, only reads it.
enum SharedDatabase {
    /// The App Group is not set up (the entitlement is missing or the group id differs between
    /// the two targets).
    struct Missing: Error {}

    static var appGroup: String {
        Bundle.main.object(forInfoDictionaryKey: "CallGuardAppGroup") as? String
            ?? "group.org.callguard.demo"
    }

    /// `<App Group container>/callguard.db`, or nil if the App Group is not set up.
    static var path: String? {
        FileManager.default
            .containerURL(forSecurityApplicationGroupIdentifier: appGroup)?
            .appendingPathComponent("callguard.db")
            .path
    }
}
