import CallGuardKit
import CallKit
import Foundation

/// The Call Directory extension. iOS runs it in its own small process when the app calls
/// `reloadExtension` or the person enables it in Settings. `CallDirectoryLoader` (CallGuardKit)
/// copies the core's plan into the context; this class only says which database and which
/// extension.
final class CallDirectoryHandler: CXCallDirectoryProvider {
    /// This extension's index when the plan is split across several extensions (one target
    /// per index, each with its own bundle id; the demo has one).
    private let extensionIndex: UInt32 = 0

    override func beginRequest(with context: CXCallDirectoryExtensionContext) {
        context.delegate = self
        do {
            guard let path = SharedDatabase.path else { throw SharedDatabase.Missing() }
            try CallDirectoryLoader.load(databasePath: path, extensionIndex: extensionIndex,
                                         into: context)
            context.completeRequest()
        } catch {
            // Fail without touching what the system holds: the app reads the error from
            // reloadExtension and explains it.
            context.cancelRequest(withError: error)
        }
    }
}

extension CallDirectoryHandler: CXCallDirectoryExtensionContextDelegate {
    func requestFailed(for extensionContext: CXCallDirectoryExtensionContext,
                       withError error: Error) {
        // The system rejected the entries (out of order, duplicates, too many, too slow).
        // The app sees the same error from reloadExtension and records the load as failed,
        // so the next incremental request resets.
        NSLog("CallGuard directory request failed: %@", String(describing: error))
    }
}
