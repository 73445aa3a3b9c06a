import CallKit
import SwiftUI

/// The demo app: opens the shared database, lets the user block a number or a prefix, and
/// reloads the Call Directory extension, explaining the result. Screening decisions and the
/// directory plan are the core's; this is a shell.
@main
struct CallGuardDemoApp: App {
    var body: some Scene {
        WindowGroup { ContentView() }
    }
}

struct ContentView: View {
    @State private var pattern = ""
    @State private var status = ""
    private let japanese = Locale.preferredLanguages.first?.hasPrefix("ja") ?? false

    private var extensionIdentifier: String {
        Bundle.main.object(forInfoDictionaryKey: "CallGuardDirectoryExtension") as? String
            ?? "org.callguard.demo.CallDirectory"
    }

    private func open() throws -> CallGuard {
        guard let path = SharedDatabase.path else {
            throw NSError(domain: "CallGuard", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "App Group container not found"])
        }
        return try CallGuard(dbPath: path, homeRegion: "JP", policy: "elderly")
    }

    var body: some View {
        Form {
            Section(japanese ? "ブロックする番号" : "Block a number") {
                TextField(japanese ? "例: 050-1234-5678, +8150*" : "e.g. 050-1234-5678, +8150*",
                          text: $pattern)
                Button(japanese ? "追加して更新" : "Add and update") { addAndReload() }
            }
            Section(japanese ? "データベース" : "Database") {
                Button(japanese ? "データベースを修復" : "Repair the database") { repair() }
            }
            Section(japanese ? "状態" : "Status") { Text(status) }
        }
    }

    /// A healthy database is reopened as it is; a damaged one is moved aside and rebuilt with
    /// the user's own lists and reports (imported lists must be imported again).
    private func repair() {
        do {
            let report = try open().recover()
            let feeds = report.feedsToImport.count
            status = report.healthy
                ? (japanese ? "データベースは正常です。" : "The database is fine.")
                : (japanese ? "修復しました。取り込んだリスト \(feeds) 件をもう一度取り込んでください。"
                            : "Repaired. Import \(feeds) list(s) again.")
        } catch {
            status = String(describing: error)
        }
    }

    private func addAndReload() {
        do {
            let callGuard = try open()
            let store = callGuard.storeStatus()
            if store.state == .unavailable {
                // Screening still works (calls only the database could decide ring); changes
                // need the database: offer the repair.
                status = (japanese ? "データベースが使えません: " : "The database cannot be used: ")
                    + (store.reason ?? "")
                return
            }
            if !pattern.isEmpty {
                _ = try callGuard.addListEntry(list: .block, pattern: pattern, label: nil,
                                               note: nil)
            }
            status = japanese ? "更新中…" : "Updating…"
            DirectoryReloader(callGuard: callGuard, extensionIdentifier: extensionIdentifier)
                .reload(japanese: japanese) { message in
                    status = message ?? (japanese ? "更新しました。" : "Updated.")
                }
        } catch {
            status = String(describing: error)
        }
    }
}
