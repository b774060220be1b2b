/// Writes a parsed schema back as canonical schema source: settings, then tables with their field
/// columns aligned, then saved reports.
public enum SchemaPrinter {
    public static func print(_ file: SchemaFile) -> String {
        var sections: [String] = []
        var header = file.settings.map(setting)
        if let reportTable = file.reportTable { header.append("report from \(reportTable.table.quoted)") }
        for other in file.otherBases {
            header.append("base \(other.name.quoted) at \(ExpressionPrinter.quote(other.location))"
                          + (other.tokenVariable.map { " token env \($0)" } ?? ""))
        }
        if !header.isEmpty {
            sections.append(header.joined(separator: "\n"))
        }
        sections += file.tables.map(table)
        if !file.reports.isEmpty {
            let multiline = file.reports.contains { $0.query.contains("\n") }
            sections.append(file.reports.map { "report \($0.name.quoted) = \($0.query)" }
                .joined(separator: multiline ? "\n\n" : "\n"))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    static func setting(_ s: SettingDecl) -> String {
        let value: String
        if s.key == .pomodoro { value = s.value }
        else if s.key == .currency || s.key == .people || s.key == .approver || s.key == .package, Name.quote(s.value) == s.value { value = s.value }
        else { value = ExpressionPrinter.quote(s.value) }
        return "\(s.key.rawValue) \(value)"
    }

    static func table(_ t: TableDecl) -> String {
        var header = "table \(t.name.quoted)"
        if let old = t.previousName { header += " was \(old.quoted)" }
        if let copied = t.copiedFrom { header += " from \(copied.base.quoted).\(copied.table.quoted)" }
        let width = (t.fields.map { $0.name.quoted.count }.max() ?? 0) + 2
        var lines = [header + " {"]
        for f in t.fields {
            let name = f.name.quoted
            var line = "  " + name + String(repeating: " ", count: width - name.count) + type(f.type)
            for m in f.modifiers { line += " " + modifier(m) }
            lines.append(line)
        }
        for option in t.options {
            switch option {
            case .lock(let condition, _): lines.append("  lock when \(condition.sourceText)")
            case .read(let condition, _): lines.append("  read when \(condition.sourceText)")
            case .write(let condition, _): lines.append("  write when \(condition.sourceText)")
            case .inherit(let names, _): lines.append("  inherit \(names.map(\.quoted).joined(separator: ", "))")
            case .timeField(let name, _): lines.append("  time field \(name.quoted)")
            case .check(let condition, let message, _):
                lines.append("  check \(condition.sourceText) else \(ExpressionPrinter.quote(message))")
            case .fed: lines.append("  fed from outside")
            case .feed(let feed):
                let pairs = feed.mappings.map { "\($0.target.quoted) = \($0.source.quoted)" }.joined(separator: ", ")
                lines.append("  feed \(feed.target.base.quoted).\(feed.target.table.quoted) (\(pairs))")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// The type part of a field declaration, as source.
    public static func type(_ t: FieldTypeDecl) -> String {
        switch t {
        case .named(let name, let arguments):
            return arguments.isEmpty ? name.quoted : "\(name.quoted)(\(arguments.map(\.quoted).joined(separator: ", ")))"
        case .link(let target, let many, _):
            return "link \(target.quoted)" + (many ? "[]" : "")
        case .formula(let e, _):
            return "formula \(e.sourceText)"
        case .mirror(let m):
            var s = "mirror \(m.aggregate.quoted)(\(m.path.map(\.quoted).joined(separator: ".")))"
            if let filter = m.filter { s += " where \(filter.sourceText)" }
            if let order = m.orderBy { s += " order by \(order.quoted)" + (m.descending ? " desc" : "") }
            return s
        case .timer(let log, let maxRunning, _):
            return "timer -> \(log.quoted)" + (maxRunning.map { " max \($0)" } ?? "")
        }
    }

    /// A field modifier, as source.
    public static func modifier(_ m: FieldModifier) -> String {
        switch m {
        case .required: return "required"
        case .unique: return "unique"
        case .default(let e): return "default \(e.sourceText)"
        case .inverse(let n): return "inverse \(n.quoted)"
        case .onDelete(let n): return "on delete \(n.quoted)"
        case .previousName(let n): return "was \(n.quoted)"
        }
    }
}
