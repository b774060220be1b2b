import Foundation

/// A schema shipped with Tabula that `tabula init --package NAME` loads, such as `timetracking`.
public struct SchemaPackage: Sendable {
    public let name: String
    public let source: String

    /// The packages this build ships.
    public static var available: [String] {
        // The bundle's resource folder is the bundle itself on some platforms and its
        // Resources folder on others; the packages are in a "Resources" folder of the target.
        var names: Set<String> = []
        let roots = [Bundle.module.resourceURL, Bundle.module.bundleURL].compactMap { $0 }
        for root in roots {
            for dir in [root.appendingPathComponent("Resources"), root] {
                for file in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where file.hasSuffix(".tabula") {
                    let name = String(file.dropLast(7))
                    if named(name) != nil { names.insert(name) }
                }
            }
        }
        return names.sorted()
    }

    /// Loads a shipped package by name, or nil when there is none of that name.
    public static func named(_ name: String) -> SchemaPackage? {
        guard let url = Bundle.module.url(forResource: name, withExtension: "tabula", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return SchemaPackage(name: name, source: text)
    }

    /// The package's source with its time zone and currency replaced (`tabula init --package
    /// timetracking --timezone Europe/Paris --currency USD`): the base settings and every place
    /// the package writes its default zone or currency.
    public func configured(timeZone: String?, currency: String?) -> String {
        var text = source
        if let timeZone {
            text = text.replacingOccurrences(of: "\"Europe/Berlin\"", with: "\"\(timeZone)\"")
        }
        if let currency {
            text = text.replacingOccurrences(of: #"\bEUR\b"#, with: currency, options: .regularExpression)
        }
        return text
    }
}
