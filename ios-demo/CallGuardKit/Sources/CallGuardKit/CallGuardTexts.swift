import Foundation

/// What CallGuardKit and the demo say to people, from the text pack `Resources/texts.json`:
/// every text in every language callguard speaks (a test in the repository checks the pack), in
/// the person's first preferred language, English for a language callguard does not speak.
public struct CallGuardTexts: Sendable {
    /// The language texts are in (`ja`, `en`, `ko` ...): pass it to the core's `lang`
    /// parameters too, so labels and explanations agree.
    public let language: String
    private let texts: [String: [String: String]]

    /// The texts in the language the person prefers.
    public static let shared = CallGuardTexts(preferredLanguages: Locale.preferredLanguages)

    /// The texts in the first of `preferredLanguages` (BCP 47 tags such as `ja-JP`), or English.
    public init(preferredLanguages: [String]) {
        texts = Self.loadPack()
        let spoken = Set(texts.values.flatMap { $0.keys })
        let first = preferredLanguages.first.map { String($0.prefix(while: { $0 != "-" && $0 != "_" })) }
        language = first.flatMap { spoken.contains($0) ? $0 : nil } ?? "en"
    }

    /// The text `key` with its `{name}` placeholders filled in. A key the pack lacks is shown as
    /// it is, so a missing text is visible rather than silent.
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = texts[key]?[language] ?? texts[key]?["en"] ?? key
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    private struct Pack: Decodable, Sendable {
        let texts: [String: [String: String]]
    }

    private static func loadPack() -> [String: [String: String]] {
        guard let url = Bundle.module.url(forResource: "texts", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let pack = try? JSONDecoder().decode(Pack.self, from: data)
        else { return [:] }
        return pack.texts
    }
}
