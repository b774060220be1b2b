import TabulaEngine

/// A time tracker whose exports `tabula import` reads.
public enum ImportFormat: String, Sendable, CaseIterable, Codable {
    case toggl, harvest, tempo, clockify, kimai

    /// What the file is, for messages: "Toggl Track detailed CSV".
    public var title: String { spec.title }

    var spec: ImportFormatSpec {
        switch self {
        case .toggl: return .toggl
        case .harvest: return .harvest
        case .tempo: return .tempo
        case .clockify: return .clockify
        case .kimai: return .kimai
        }
    }

    /// The format a header is written in, or nil when it matches none. Toggl and Clockify share
    /// most columns; Clockify's own ones (`Group`, `Duration (h)`, `Activity`, rate and amount
    /// columns with a currency, `Start Date` with a capital D) tell them apart.
    public static func recognise(header: [String]) -> ImportFormat? {
        let lower = Set(header.map(ImportFormatSpec.normalise))
        for format in [ImportFormat.tempo, .harvest, .kimai] where format.spec.columns(of: header).satisfiesRequired {
            return format
        }
        guard ImportFormat.toggl.spec.columns(of: header).satisfiesRequired || ImportFormat.clockify.spec.columns(of: header).satisfiesRequired else { return nil }
        let clockifyOnly = ["group", "duration (h)", "duration (decimal)", "activity"]
        if clockifyOnly.contains(where: lower.contains) || lower.contains(where: { $0.hasPrefix("billable rate (") || $0.hasPrefix("billable amount (") })
            || header.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "Start Date" }) {
            return .clockify
        }
        return .toggl
    }
}

/// What a column of an export means, whatever the tracker calls it.
enum ImportColumn: String, Sendable, CaseIterable {
    case id, user, email, firstName, lastName, login
    case client, project, projectCode, task, taskKey, taskTitle
    case note, billable, billedHours, tags, amount, currency
    case date, startTime, endDate, endTime, duration, hours, workDate
}

/// How rows of a format give their time.
enum ImportTiming: Sendable {
    /// A start (date and time) and an end, or a duration when the end is missing (Toggl,
    /// Clockify, Kimai).
    case interval
    /// A day and decimal hours, no time: placed from 09:00, one after another (Harvest).
    case hoursOnDay
    /// A work date with or without a time, and decimal hours (Tempo).
    case workDate
}

/// A format's columns: the names each meaning goes by (lower case, trimmed; a name ending in
/// `(` is a prefix, as in `Amount (EUR)`), which must be there, and how time is given.
struct ImportFormatSpec: Sendable {
    var title: String
    var columns: [ImportColumn: [String]]
    /// Each inner list: at least one of these.
    var required: [[ImportColumn]]
    var timing: ImportTiming

    static func normalise(_ name: String) -> String { name.trimmingCharacters(in: .whitespaces).lowercased() }

    /// Where each meaning sits in a header (first match wins), and what it needs but lacks.
    func columns(of header: [String]) -> ImportHeader {
        let names = header.map(Self.normalise)
        var found: [ImportColumn: Int] = [:]
        for (column, aliases) in columns {
            for alias in aliases {
                let index = alias.hasSuffix("(") ? names.firstIndex { $0.hasPrefix(alias) } : names.firstIndex(of: alias)
                if let index { found[column] = index; break }
            }
        }
        let missing = required.filter { any in !any.contains { found[$0] != nil } }
        return ImportHeader(names: header.map { $0.trimmingCharacters(in: .whitespaces) }, index: found,
                            missing: missing.map { any in any.map { columns[$0]?.first.map(Self.display) ?? $0.rawValue } })
    }

    /// `start date` as the export writes it: `Start date`.
    static func display(_ alias: String) -> String {
        let a = alias.hasSuffix("(") ? String(alias.dropLast(2)) : alias
        return a.prefix(1).uppercased() + a.dropFirst()
    }

    /// The columns the format's export has, for a hint.
    var exampleHeader: String {
        let order: [ImportColumn] = [.date, .workDate, .startTime, .endDate, .endTime, .duration, .hours, .user, .firstName, .lastName, .email,
                                     .client, .project, .projectCode, .task, .taskKey, .note, .billable, .billedHours, .tags]
        return order.compactMap { columns[$0]?.first.map(Self.display) }.joined(separator: ",")
    }
}

/// A file's header read against a format.
struct ImportHeader: Sendable {
    var names: [String]
    var index: [ImportColumn: Int]
    /// Required columns not found, each as "A or B".
    var missing: [[String]]
    var satisfiesRequired: Bool { missing.isEmpty }

    func has(_ column: ImportColumn) -> Bool { index[column] != nil }
    func name(of column: ImportColumn) -> String { index[column].map { names[$0] } ?? column.rawValue }

    /// The currency an amount column names (`Amount (EUR)`), if any.
    var amountCurrency: String? {
        guard let i = index[.amount], let open = names[i].lastIndex(of: "("), let close = names[i].lastIndex(of: ")"), open < close else { return nil }
        return String(names[i][names[i].index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
    }
}
