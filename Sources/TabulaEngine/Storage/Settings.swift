/// A setting a package offers on its bases (`four_eyes on`), with the values it takes and its
/// default. Values live in the base, so every entry point (CLI, server) sees the same.
public struct SettingSpec: Sendable, Hashable {
    /// What a setting accepts besides its listed values.
    public enum Accepts: Sendable, Hashable {
        /// Only the listed values.
        case listed
        /// Any non-empty text (a company code); the listed values are examples.
        case text
        /// A percentage from 0 to 100 with at most two decimals (`20%`, `7.5`), stored as `20%`,
        /// or one of the listed values.
        case percent
        /// A length of time (`15m`, `6h`, `1h30m`), stored in hours, minutes and seconds (`1h30m`),
        /// or one of the listed values.
        case duration
    }

    public var name: String
    /// What the setting does, for listings.
    public var summary: String
    /// The values it takes (`on`, `off`), the first being the default unless `defaultValue` says.
    public var values: [String]
    public var defaultValue: String
    public var accepts: Accepts

    public init(name: String, summary: String, values: [String], defaultValue: String? = nil, accepts: Accepts = .listed) {
        self.name = name; self.summary = summary; self.values = values; self.defaultValue = defaultValue ?? values.first ?? ""
        self.accepts = accepts
    }

    /// The value as stored: a listed value as listed, a percentage as `N%`; nil when the
    /// setting does not take it.
    public func normalized(_ value: String) -> String? {
        let trimmed = String(value.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        if let match = values.first(where: { $0.lowercased() == trimmed.lowercased() }) { return match }
        switch accepts {
        case .listed: return nil
        case .text: return trimmed.isEmpty ? nil : trimmed
        case .percent:
            var digits = trimmed
            if digits.hasSuffix("%") { digits.removeLast() }
            digits = String(digits.filter { $0 != " " }.map { $0 == "," ? "." : $0 })
            let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
                  parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  parts.count == 1 || (1...2).contains(parts[1].count),
                  let whole = Int(parts[0]), whole <= 100, whole < 100 || parts.count == 1 || Int(parts[1]) == 0 else { return nil }
            var text = String(whole)
            if parts.count == 2, let fraction = Int(parts[1]), fraction != 0 {
                var f = String(parts[1])
                while f.hasSuffix("0") { f.removeLast() }
                text += "." + f
            }
            return text + "%"
        case .duration:
            guard case .duration(let seconds)? = try? ValueType.duration.parse(trimmed, context: ValueContext()), seconds >= 0 else { return nil }
            return Self.durationText(seconds)
        }
    }

    /// `1h30m`, `15m`, `0s`: a setting's duration as stored.
    public static func durationText(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        let h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60
        return (h > 0 ? "\(h)h" : "") + (m > 0 ? "\(m)m" : "") + (s > 0 ? "\(s)s" : "")
    }

    /// The seconds of a duration setting's value (nil when it is not one).
    public static func durationSeconds(_ text: String) -> Int64? {
        guard case .duration(let seconds)? = try? ValueType.duration.parse(text, context: ValueContext()) else { return nil }
        return seconds
    }

    /// What the setting takes, for a listing or a refusal: `on|off`, `a percentage or none`.
    public var accepted: String {
        switch accepts {
        case .listed: return values.joined(separator: "|")
        case .text: return "any text" + (values.isEmpty ? "" : ", e.g. " + values.joined(separator: ", "))
        case .percent: return "a percentage such as 20%" + (values.isEmpty ? "" : " or " + values.joined(separator: "|"))
        case .duration: return "a duration such as 15m or 6h" + (values.isEmpty ? "" : " or " + values.joined(separator: "|"))
        }
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
            guard let match = spec.normalized(value) else {
                throw EngineError(.invalidValue, "'\(value)' is not a value of the setting \(spec.name)",
                                  hint: spec.accepts == .listed ? "its values are: \(spec.values.joined(separator: ", "))" : "it takes \(spec.accepted)")
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
