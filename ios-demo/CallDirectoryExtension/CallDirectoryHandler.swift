import CallKit
import Foundation

/// The Call Directory extension. iOS runs it in its own small process when the app calls
/// `reloadExtension` or the user enables it in Settings. Every decision (which numbers, in
/// which order, full or delta) is made by the Rust core: this class only copies chunks into
/// the context, one `autoreleasepool` per chunk so memory stays at one chunk.
///
/// Bindings used (see README.md, "Bindings"): `DirectoryReader.open(dbPath:)`,
/// `reader.load(extension:incremental:)`, `reader.chunks(load:maxEntries:)`,
/// `chunks.nextChunk()`.
final class CallDirectoryHandler: CXCallDirectoryProvider {
    /// This extension's index when the plan is split across several extensions (one target
    /// per index, each with its own bundle id; the demo has one).
    private let extensionIndex: UInt32 = 0
    /// Numbers per chunk: 4,096 numbers are 32 KiB of Int64s.
    private let chunkSize: UInt32 = 4096

    override func beginRequest(with context: CXCallDirectoryExtensionContext) {
        context.delegate = self
        do {
            try load(into: context)
            context.completeRequest()
        } catch {
            // Fail without touching what the system holds: the app reads the error from
            // reloadExtension and explains it.
            context.cancelRequest(withError: error)
        }
    }

    private func load(into context: CXCallDirectoryExtensionContext) throws {
        guard let path = SharedDatabase.path else {
            throw NSError(domain: "CallGuard", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "App Group container not found"])
        }
        let reader = try DirectoryReader.open(dbPath: path)
        // The core decides: full (non-incremental request), delta from the version the
        // system holds, or reset (remove all, then full) when that version is unknown.
        let plan = try reader.load(extension: extensionIndex, incremental: context.isIncremental)
        let chunks = try reader.chunks(load: plan, maxEntries: chunkSize)
        var more = true
        while more {
            try autoreleasepool {
                guard let chunk = try chunks.nextChunk() else {
                    more = false
                    return
                }
                apply(chunk, to: context)
            }
        }
    }

    /// One chunk, in the order the core guarantees is valid: remove all, removals, additions
    /// (each list strictly ascending, continuing the previous chunk's).
    private func apply(_ chunk: DirectoryChunk, to context: CXCallDirectoryExtensionContext) {
        if chunk.removeAll {
            context.removeAllBlockingEntries()
            context.removeAllIdentificationEntries()
        }
        for number in chunk.removeBlocking {
            context.removeBlockingEntry(withPhoneNumber: number)
        }
        for number in chunk.removeIdentification {
            context.removeIdentificationEntry(withPhoneNumber: number)
        }
        for number in chunk.addBlocking {
            context.addBlockingEntry(withNextSequentialPhoneNumber: number)
        }
        for (number, label) in zip(chunk.addIdentification, chunk.labels) {
            context.addIdentificationEntry(withNextSequentialPhoneNumber: number, label: label)
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
