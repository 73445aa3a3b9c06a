import CallKit
import Foundation

/// Plans the directory in the core and asks iOS to reload the extension, then records the
/// result so the next load is a correct delta (or a reset after a failure).
///
/// Bindings used (see README.md): `CallGuard.planDirectory(budget:extensions:lang:)`,
/// `CallGuard.beginDirectoryLoad(extension:)`,
/// `CallGuard.finishDirectoryLoad(extension:version:delivered:)`.
final class DirectoryReloader {
    private let callGuard: CallGuard
    private let extensionIdentifier: String

    init(callGuard: CallGuard, extensionIdentifier: String) {
        self.callGuard = callGuard
        self.extensionIdentifier = extensionIdentifier
    }

    /// Plans, reloads, records; `done` gets a sentence for people (nil on success).
    func reload(japanese: Bool, done: @escaping (String?) -> Void) {
        let version: UInt64
        do {
            _ = try callGuard.planDirectory(budget: 1_000_000, extensions: 1,
                                            lang: japanese ? "ja" : "en")
            version = try callGuard.beginDirectoryLoad(extension: 0)
        } catch {
            done(String(describing: error))
            return
        }
        CXCallDirectoryManager.sharedInstance.reloadExtension(
            withIdentifier: extensionIdentifier
        ) { [callGuard] error in
            try? callGuard.finishDirectoryLoad(extension: 0, version: version,
                                               delivered: error == nil)
            DispatchQueue.main.async {
                done(error.map { Self.explain($0, japanese: japanese) })
            }
        }
    }

    /// Each `CXErrorCodeCallDirectoryManagerError`, in plain words.
    static func explain(_ error: Error, japanese: Bool) -> String {
        let nsError = error as NSError
        guard nsError.domain == CXErrorDomainCallDirectoryManager,
              let code = CXErrorCodeCallDirectoryManagerError.Code(rawValue: nsError.code)
        else {
            return japanese ? "更新できませんでした (\(nsError.localizedDescription))"
                            : "The update failed (\(nsError.localizedDescription))."
        }
        let (ja, en): (String, String)
        switch code {
        case .unknown:
            (ja, en) = ("原因不明のエラーで更新できませんでした。しばらくしてからもう一度お試しください。",
                        "The update failed for an unknown reason. Please try again later.")
        case .noExtensionFound:
            (ja, en) = ("着信拒否の機能が見つかりません。アプリを入れ直してください。",
                        "The call-blocking extension was not found. Please reinstall the app.")
        case .loadingInterrupted:
            (ja, en) = ("読み込みが途中で止まりました (時間かメモリが足りません)。番号を減らすか、もう一度お試しください。",
                        "Loading stopped part way (too slow or out of memory). Try again, or block fewer numbers.")
        case .entriesOutOfOrder:
            (ja, en) = ("番号の順序が正しくありませんでした。アプリの不具合です。お知らせください。",
                        "The numbers were not in order. This is a bug in the app; please report it.")
        case .duplicateEntries:
            (ja, en) = ("同じ番号が二度ありました。アプリの不具合です。お知らせください。",
                        "A number was there twice. This is a bug in the app; please report it.")
        case .maximumEntriesExceeded:
            (ja, en) = ("番号が多すぎます。ブロックする範囲を狭めてください。",
                        "There are too many numbers. Please block a narrower range.")
        case .extensionDisabled:
            (ja, en) = ("着信拒否がオフです。「設定」>「電話」>「着信拒否設定と着信ID」でCallGuardをオンにしてください。",
                        "Call blocking is off. Turn CallGuard on in Settings > Phone > Call Blocking & Identification.")
        case .currentlyLoading:
            (ja, en) = ("いま読み込み中です。少し待ってからもう一度お試しください。",
                        "It is loading right now. Please wait a moment and try again.")
        case .unexpectedIncrementalRemoval:
            (ja, en) = ("更新の手順が正しくありませんでした。次回は全件を読み込み直します。",
                        "The update used the wrong steps. The next update loads everything again.")
        @unknown default:
            (ja, en) = ("更新できませんでした (コード \(nsError.code))。",
                        "The update failed (code \(nsError.code)).")
        }
        return japanese ? ja : en
    }
}
