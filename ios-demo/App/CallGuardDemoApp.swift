import CallGuardKit
import SwiftUI

/// The demo app: the person chooses their region and how strongly to be protected, adds a
/// number or prefix to the block list, and reloads the Call Directory extension; the result is
/// explained in their language. Screening decisions and the directory plan are the core's;
/// this is a shell.
@main
struct CallGuardDemoApp: App {
    @StateObject private var model = AppModel()

    var body: some Scene {
        WindowGroup { ContentView(model: model) }
    }
}

struct ContentView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        let texts = model.texts
        Form {
            Section(texts.text("app.settings_section")) {
                Picker(texts.text("app.region"), selection: $model.region) {
                    ForEach(model.regions, id: \.self) { Text(model.regionName($0)).tag($0) }
                }
                Picker(texts.text("app.policy"), selection: $model.policy) {
                    ForEach(model.presets, id: \.self) { Text(model.presetName($0)).tag($0) }
                }
            }
            Section(texts.text("app.block_section")) {
                TextField(texts.text("app.block_placeholder"), text: $model.pattern)
                Button(texts.text("app.add_and_update")) { model.addAndReload() }
                    .disabled(model.busy)
            }
            Section(texts.text("app.database_section")) {
                Button(texts.text("app.repair")) { model.repair() }
                    .disabled(model.busy)
            }
            Section(texts.text("app.status_section")) {
                if model.busy { ProgressView() }
                Text(model.status)
            }
        }
    }
}
