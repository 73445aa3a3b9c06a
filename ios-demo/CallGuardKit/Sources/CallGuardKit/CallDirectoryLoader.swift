#if os(iOS)
import CallKit
import Foundation

/// The Call Directory extension's whole job: copy what the core planned into the system, one
/// chunk at a time. Every decision (which numbers, in which order, full, delta or reset) is the
/// core's; each chunk is copied inside an `autoreleasepool`, so the extension holds one chunk
/// (4,096 numbers are 32 KiB) however large the plan.
public enum CallDirectoryLoader {
    /// Numbers per chunk.
    public static let defaultChunkSize: UInt32 = 4096

    /// Loads the plan for extension `extensionIndex` (0 for the first; one extension target per
    /// index) from the database at `databasePath`, opened read-only, into `context`. Throws
    /// without touching what the system holds when the database cannot be read: cancel the
    /// request with the error, and the app explains it from `reloadExtension`.
    public static func load(databasePath: String, extensionIndex: UInt32,
                            into context: CXCallDirectoryExtensionContext,
                            chunkSize: UInt32 = defaultChunkSize) throws {
        let reader = try DirectoryReader.open(dbPath: databasePath)
        // Full for a full request; for an incremental one, the delta from the version the
        // system holds, or a reset (remove all, then full) when that version is unknown.
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
    static func apply(_ chunk: DirectoryChunk, to context: CXCallDirectoryExtensionContext) {
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
#endif
