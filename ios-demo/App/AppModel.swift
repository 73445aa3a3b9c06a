import CallGuardKit
import Foundation

/// What the screen shows and what the person chose: the home region and the policy preset,
/// kept in the App Group's defaults. Every call into the core goes through `GuardService`, off
/// the main thread; only the published results come back here.
@MainActor
final class AppModel: ObservableObject {
    let texts = CallGuardTexts.shared
    @Published var pattern = ""
    @Published var status = ""
    @Published var busy = false
    @Published var region: String { didSet { defaults.set(region, forKey: "region") } }
    @Published var policy: String { didSet { defaults.set(policy, forKey: "policy") } }

    /// The presets the core knows (`balanced`, `elderly`, `minimal`).
    let presets: [String] = policyPresets()
    /// Every region, by its name in the person's language.
    let regions: [String] = Locale.isoRegionCodes.sorted {
        (Locale.current.localizedString(forRegionCode: $0) ?? $0)
            < (Locale.current.localizedString(forRegionCode: $1) ?? $1)
    }

    private let defaults: UserDefaults

    init() {
        defaults = UserDefaults(suiteName: SharedDatabase.appGroup) ?? .standard
        // Until the person chooses, the phone's own region and the default preset.
        region = defaults.string(forKey: "region") ?? Locale.current.regionCode ?? "JP"
        policy = defaults.string(forKey: "policy") ?? "balanced"
    }

    private var extensionIdentifier: String {
        Bundle.main.object(forInfoDictionaryKey: "CallGuardDirectoryExtension") as? String
            ?? "org.callguard.demo.CallDirectory"
    }

    func regionName(_ code: String) -> String {
        Locale.current.localizedString(forRegionCode: code).map { "\($0) (\(code))" } ?? code
    }

    func presetName(_ preset: String) -> String {
        texts.text("preset.\(preset)")
    }

    /// Adds the pattern (if any) to the block list and reloads the extension.
    func addAndReload() {
        let pattern = self.pattern
        let (region, policy, texts) = (self.region, self.policy, self.texts)
        let identifier = extensionIdentifier
        perform {
            let callGuard = try await GuardService.shared.callGuard(region: region, policy: policy)
            let store = callGuard.storeStatus()
            if store.state == .unavailable {
                // Screening still works (calls only the database could decide ring); changes
                // need the database: the repair is offered beside.
                return texts.text("app.database_unavailable", ["reason": store.reason ?? ""])
            }
            if !pattern.isEmpty {
                _ = try callGuard.addListEntry(list: .block, pattern: pattern, label: nil,
                                               note: nil)
            }
            let error = try await DirectoryReloader.reload(
                callGuard, extensionIdentifier: identifier, texts: texts)
            return error.map { CallDirectoryErrorText.explain($0, texts: texts) }
                ?? texts.text("app.updated")
        }
    }

    /// A healthy database is left as it is; a damaged one is moved aside and rebuilt with the
    /// person's own lists and reports (imported lists must be imported again).
    func repair() {
        let (region, policy, texts) = (self.region, self.policy, self.texts)
        perform {
            let report = try await GuardService.shared.callGuard(region: region, policy: policy)
                .recover()
            return report.healthy
                ? texts.text("app.database_fine")
                : texts.text("app.repaired", ["count": String(report.feedsToImport.count)])
        }
    }

    /// Runs `work` off the main thread and shows what it says, or its error explained.
    private func perform(_ work: @escaping @Sendable () async throws -> String) {
        busy = true
        status = texts.text("app.working")
        let texts = self.texts
        Task {
            let message: String
            do {
                message = try await Task.detached(priority: .userInitiated) { try await work() }
                    .value
            } catch is SharedDatabase.Missing {
                message = texts.text("app.no_app_group")
            } catch {
                message = texts.text("app.failed", ["reason": String(describing: error)])
            }
            status = message
            busy = false
        }
    }
}
