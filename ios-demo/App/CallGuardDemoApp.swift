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
            Section(japanese ? "状態" : "Status") { Text(status) }
        }
    }

    private func addAndReload() {
        do {
            let callGuard = try open()
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
