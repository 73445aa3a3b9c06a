import CallGuardKit
import CallKit
import Foundation

/// Plans the directory in the core, asks iOS to reload the extension, and records the result,
/// so the next load is a correct delta (or a reset after a failure). Called from a background
/// task, never on the main thread: planning reads the whole database.
///
/// Bindings used (see README.md): `CallGuard.planDirectory(budget:extensions:lang:)`,
/// `CallGuard.beginDirectoryLoad(extension:)`,
/// `CallGuard.finishDirectoryLoad(extension:version:delivered:)`.
enum DirectoryReloader {
    /// Plans, reloads, records; returns the error iOS reported, if any.
    static func reload(_ callGuard: CallGuard, extensionIdentifier: String,
                       texts: CallGuardTexts) async throws -> Error? {
        _ = try callGuard.planDirectory(budget: 1_000_000, extensions: 1, lang: texts.language)
        let version = try callGuard.beginDirectoryLoad(extension: 0)
        let error: Error? = await withCheckedContinuation { done in
            CXCallDirectoryManager.sharedInstance.reloadExtension(
                withIdentifier: extensionIdentifier
            ) { error in
                done.resume(returning: error)
            }
        }
        // A failed load leaves what the system holds unknown: the next incremental load resets.
        try? callGuard.finishDirectoryLoad(extension: 0, version: version,
                                           delivered: error == nil)
        return error
    }
}
