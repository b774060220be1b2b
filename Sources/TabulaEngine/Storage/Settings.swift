/// A setting a package offers on its bases (`four_eyes on`), with the values it takes and its
/// default. Values live in the base, so every entry point (CLI, server) sees the same.
public struct SettingSpec: Sendable, Hashable {
    public var name: String
    /// What the setting does, for listings.
    public var summary: String
    /// The values it takes (`on`, `off`), the first being the default unless `defaultValue` says.
    public var values: [String]
    public var defaultValue: String

    public init(name: String, summary: String, values: [String], defaultValue: String? = nil) {
        self.name = name; self.summary = summary; self.values = values; self.defaultValue = defaultValue ?? values.first ?? ""
    }
}

extension Base {
    private static func settingKey(_ name: String) -> String { "setting." + name.lowercased() }

    /// A setting's stored value, nil when it was never set (then its default holds).
    public func storedSetting(_ name: String) throws -> String? {
        try db.scalar("SELECT value FROM \(Layout.meta) WHERE key = ?", [.text(Self.settingKey(name))]).textValue
    }

    /// A setting's value: the stored one, else the spec's default.
    public func setting(_ spec: SettingSpec) throws -> String {
        try storedSetting(spec.name) ?? spec.defaultValue
    }
}

extension WriteTransaction {
    /// Sets a setting of the base to one of its values (recorded in the history); nil goes back
    /// to the default.
    public func setSetting(_ spec: SettingSpec, to value: String?) throws {
        try requireOpen()
        let chosen = try value.map { value -> String in
            guard let match = spec.values.first(where: { $0.lowercased() == value.lowercased() }) else {
                throw EngineError(.invalidValue, "'\(value)' is not a value of the setting \(spec.name)",
                                  hint: "its values are: \(spec.values.joined(separator: ", "))")
            }
            return match
        }
        let old = try base.storedSetting(spec.name)
        if let chosen {
            try db.execute("INSERT OR REPLACE INTO \(Layout.meta) VALUES (?, ?)", [.text("setting." + spec.name.lowercased()), .text(chosen)])
        } else {
            try db.execute("DELETE FROM \(Layout.meta) WHERE key = ?", [.text("setting." + spec.name.lowercased())])
        }
        try base.recordHistory(action: "setting", old: old, new: chosen, note: "\(spec.name) = \(chosen ?? "\(spec.defaultValue) (default)")")
    }
}
