import Foundation
import TabulaLanguage

/// Checks a schema's other bases against what they hold, before a base is created or migrated to
/// it: each base in a file exists and is a Tabula base, each copied table and its fields exist
/// there, each feed's table says `fed from outside` and takes the mapped fields with fitting
/// types, and every required field of it is fed. Errors point at the schema's line and column.
/// A served base is checked when it is first reached (it may not run now).
public enum OtherBaseCheck {
    public static func check(source: SourceText, basePath: String,
                             open: (String) throws -> Base = { try Base.open(at: $0, actor: "schema check") }) throws(SourceErrors) {
        let file = try SchemaParser.parse(source)
        guard !file.otherBases.isEmpty else { return }
        let schema = try SchemaCompiler.compile(file: file, source: source)
        var diagnostics: [Diagnostic] = []
        func report(_ message: String, at range: SourceRange, hint: String? = nil) { diagnostics.append(Diagnostic(message, at: range, hint: hint)) }

        var others: [String: Schema] = [:]
        let directory = URL(fileURLWithPath: basePath).deletingLastPathComponent()
        for decl in file.otherBases {
            let other = OtherBase(name: decl.name.text, location: decl.location, tokenVariable: decl.tokenVariable)
            if other.isServed { continue }
            let path = decl.location.hasPrefix("/") ? URL(fileURLWithPath: decl.location).standardizedFileURL.path
                : directory.appendingPathComponent(decl.location).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: path) else {
                report("no base at '\(decl.location)' (looked for \(path))", at: decl.locationRange,
                      hint: "the path is relative to this base's file; create the other base first, or correct the path")
                continue
            }
            do {
                let base = try open(path)
                others[decl.name.text.lowercased()] = base.schema
                base.close()
            } catch let e as EngineError {
                report("'\(decl.location)' cannot be opened as a base: \(e.message)", at: decl.locationRange, hint: e.hint)
            } catch {
                report("'\(decl.location)' cannot be opened as a base", at: decl.locationRange)
            }
        }

        func otherTable(_ name: OtherTableName) -> Table? {
            guard let other = others[name.base.text.lowercased()] else { return nil }
            guard let table = other.table(named: name.table.text) else {
                report("the base \(name.base.text) has no table '\(name.table.text)'", at: name.table.range,
                      hint: Suggestions.didYouMean(name.table.text, among: other.tables.map(\.name)) ?? "its tables are: \(other.tables.map(\.name).joined(separator: ", "))")
                return nil
            }
            return table
        }

        for decl in file.tables {
            guard let table = schema.table(named: decl.name.text) else { continue }
            if let copied = decl.copiedFrom, let source = otherTable(copied) {
                for fieldDecl in decl.fields {
                    guard let field = table.field(named: fieldDecl.name.text), case .data(let type) = field.kind else { continue }
                    guard let sourceField = source.field(named: field.name) else {
                        report("\(copied.base.text).\(source.name) has no field '\(field.name)' to copy", at: fieldDecl.name.range,
                              hint: "a copied table's data fields are the source's fields of the same names (links, formulas and timers are this base's own); its fields are: \(source.fields.map(\.name).joined(separator: ", "))")
                        continue
                    }
                    if !fits(sourceField.valueType, into: type) {
                        report("\(table.name).\(field.name) is \(type.displayName), but \(copied.base.text).\(source.name).\(sourceField.name) is \(sourceField.valueType.displayName)",
                              at: fieldDecl.type.range ?? fieldDecl.name.range, hint: "give the copy the source's type, or text")
                    }
                }
            }
            for case .feed(let feed) in decl.options {
                guard let target = otherTable(feed.target) else { continue }
                guard target.isFed == true else {
                    report("\(feed.target.base.text).\(target.name) is not fed from outside", at: feed.target.range,
                          hint: "its schema must say `fed from outside` (in table \(target.name)) for this base to write it")
                    continue
                }
                var mapped: Set<String> = []
                for mapping in feed.mappings {
                    guard let targetField = target.field(named: mapping.target.text) else {
                        report("\(feed.target.base.text).\(target.name) has no field '\(mapping.target.text)'", at: mapping.target.range,
                              hint: Suggestions.didYouMean(mapping.target.text, among: target.fields.map(\.name)) ?? "its fields are: \(target.fields.map(\.name).joined(separator: ", "))")
                        continue
                    }
                    mapped.insert(targetField.name.lowercased())
                    guard targetField.isWritable else {
                        report("\(feed.target.base.text).\(target.name).\(targetField.name) is a \(targetField.kind.summary), computed there", at: mapping.target.range,
                              hint: "feed the fields it is computed from")
                        continue
                    }
                    guard let sourceField = table.field(named: mapping.source.text) else { continue }
                    if let problem = mismatch(sourceField, in: schema, feeding: targetField, of: others[feed.target.base.text.lowercased()]!, base: feed.target.base.text) {
                        report(problem, at: mapping.range, hint: "feed a field of a fitting type (a formula field can convert it)")
                    }
                }
                let missing = target.fields.filter { $0.isRequired && $0.isWritable && $0.defaultExpression == nil && !mapped.contains($0.name.lowercased()) }
                if !missing.isEmpty {
                    report("the feed leaves \(feed.target.base.text).\(target.name)'s required field\(missing.count == 1 ? "" : "s") \(missing.map(\.name).joined(separator: ", ")) empty",
                          at: feed.target.range, hint: "add \(missing.map { "\($0.name) = ..." }.joined(separator: ", ")) to the feed")
                }
            }
        }
        if !diagnostics.isEmpty { throw SourceErrors(source: source, diagnostics: diagnostics) }
    }

    /// Whether values of one type can be written, as text, into a field of another.
    static func fits(_ source: ValueType, into target: ValueType) -> Bool {
        switch (source, target) {
        case (_, .text), (.any, _): return true
        case (.text, .select), (.select, .select), (.text, .tags), (.tags, .tags), (.select, .tags): return true
        case (.number, .number), (.integer, .number), (.integer, .integer), (.number, .integer), (.percent, .percent): return true
        case (.currency, .currency), (.bool, .bool), (.date, .date), (.datetime, .datetime), (.duration, .duration): return true
        case (.datetime, .date): return false
        default: return false
        }
    }

    /// Why a feeding field does not fit the fed field, or nil when it does.
    static func mismatch(_ field: Field, in schema: Schema, feeding target: Field, of other: Schema, base: String) -> String? {
        if case .link(let targetSpec) = target.kind {
            let targetTable = other.table(id: targetSpec.target)?.name ?? "?"
            switch field.valueType {
            case .link(let id), .list(.link(let id)):
                guard let linked = schema.table(id: id) else { return nil }
                if let copied = linked.copiedFrom, copied.base.lowercased() == base.lowercased() {
                    return copied.table.lowercased() == targetTable.lowercased() ? nil
                        : "\(field.name) links to \(linked.name), a copy of \(copied.description), but \(base).\(targetTable) is what \(target.name) links to"
                }
                return nil  // by the linked row's primary value
            case .text, .any: return nil
            default: return "\(field.name) is \(field.valueType.displayName); \(target.name) links to \(base).\(targetTable)"
            }
        }
        if case .link = field.kind, target.valueType == .text || { if case .select = target.valueType { return true } else { return false } }() { return nil }
        return fits(field.valueType, into: target.valueType) ? nil
            : "\(field.name) is \(field.valueType.displayName), but \(base).\(target.name) is \(target.valueType.displayName)"
    }
}

extension FieldTypeDecl {
    /// The range of the type's own text when it has one.
    var range: SourceRange? {
        switch self {
        case .link(_, _, let range), .formula(_, let range), .timer(_, _, let range): return range
        case .mirror(let m): return m.range
        case .named(let name, _): return name.range
        }
    }
}
