import Foundation
#if os(iOS)
import CallKit
#endif

/// Every `CXErrorCodeCallDirectoryManagerError`, and any other error of a reload, in words a
/// person can act on (the texts `reload.*` of the pack).
public enum CallDirectoryErrorText {
    /// The sentence for `error`, from `reloadExtension`'s completion handler or the core.
    public static func explain(_ error: Error, texts: CallGuardTexts = .shared) -> String {
        let nsError = error as NSError
        #if os(iOS)
        if nsError.domain == CXErrorDomainCallDirectoryManager,
           let code = CXErrorCodeCallDirectoryManagerError.Code(rawValue: nsError.code) {
            switch code {
            case .unknown: return texts.text("reload.unknown")
            case .noExtensionFound: return texts.text("reload.no_extension_found")
            case .loadingInterrupted: return texts.text("reload.loading_interrupted")
            case .entriesOutOfOrder: return texts.text("reload.entries_out_of_order")
            case .duplicateEntries: return texts.text("reload.duplicate_entries")
            case .maximumEntriesExceeded: return texts.text("reload.maximum_entries_exceeded")
            case .extensionDisabled: return texts.text("reload.extension_disabled")
            case .currentlyLoading: return texts.text("reload.currently_loading")
            case .unexpectedIncrementalRemoval:
                return texts.text("reload.unexpected_incremental_removal")
            @unknown default:
                return texts.text("reload.other_code", ["code": String(nsError.code)])
            }
        }
        #endif
        return texts.text("reload.other_error", ["reason": String(describing: error)])
    }
}
