// Copies of syntax trees with every source range set to `.none`, for comparing trees by their
// meaning: a reprinted schema against the original, an applied schema against a new one.

extension Name {
    /// The name with its range set to `.none`.
    public var withoutSourceRanges: Name { Name(text) }
}

extension Expression {
    /// The expression with every range in it set to `.none`.
    public var withoutSourceRanges: Expression {
        let k: Kind
        switch kind {
        case .path(let names): k = .path(names.map(\.withoutSourceRanges))
        case .call(let name, let args, let filter):
            k = .call(name.withoutSourceRanges, args.map(\.withoutSourceRanges), filter: filter?.withoutSourceRanges)
        case .unary(let op, let e): k = .unary(op, e.withoutSourceRanges)
        case .binary(let op, let l, let r): k = .binary(op, l.withoutSourceRanges, r.withoutSourceRanges)
        case .list(let items): k = .list(items.map(\.withoutSourceRanges))
        default: k = kind
        }
        return Expression(k, range: .none)
    }
}

extension MirrorDecl {
    /// The mirror with every range in it set to `.none`.
    public var withoutSourceRanges: MirrorDecl {
        MirrorDecl(aggregate: aggregate.withoutSourceRanges, path: path.map(\.withoutSourceRanges),
                   filter: filter?.withoutSourceRanges, orderBy: orderBy?.withoutSourceRanges,
                   descending: descending, range: .none)
    }
}

extension FieldTypeDecl {
    /// The type with every range in it set to `.none`.
    public var withoutSourceRanges: FieldTypeDecl {
        switch self {
        case .named(let name, let args): return .named(name.withoutSourceRanges, arguments: args.map(\.withoutSourceRanges))
        case .link(let target, let many, _): return .link(target: target.withoutSourceRanges, many: many, range: .none)
        case .formula(let e, _): return .formula(e.withoutSourceRanges, range: .none)
        case .mirror(let m): return .mirror(m.withoutSourceRanges)
        case .timer(let log, let maxRunning, _): return .timer(logTable: log.withoutSourceRanges, maxRunning: maxRunning, range: .none)
        }
    }
}

extension FieldModifier {
    /// The modifier with every range in it set to `.none`.
    public var withoutSourceRanges: FieldModifier {
        switch self {
        case .required: return .required(.none)
        case .unique: return .unique(.none)
        case .default(let e): return .default(e.withoutSourceRanges)
        case .inverse(let n): return .inverse(n.withoutSourceRanges)
        case .onDelete(let n): return .onDelete(n.withoutSourceRanges)
        case .previousName(let n): return .previousName(n.withoutSourceRanges)
        }
    }
}

extension FieldDecl {
    /// The field with every range in it set to `.none`.
    public var withoutSourceRanges: FieldDecl {
        FieldDecl(name: name.withoutSourceRanges, type: type.withoutSourceRanges,
                  modifiers: modifiers.map(\.withoutSourceRanges), range: .none)
    }
}

extension TableOption {
    /// The option with every range in it set to `.none`.
    public var withoutSourceRanges: TableOption {
        switch self {
        case .lock(let condition, _): return .lock(when: condition.withoutSourceRanges, range: .none)
        case .read(let condition, _): return .read(when: condition.withoutSourceRanges, range: .none)
        case .write(let condition, _): return .write(when: condition.withoutSourceRanges, range: .none)
        case .inherit(let names, _): return .inherit(names.map(\.withoutSourceRanges), range: .none)
        case .timeField(let name, _): return .timeField(name.withoutSourceRanges, range: .none)
        case .check(let condition, let message, _): return .check(condition.withoutSourceRanges, message: message, range: .none)
        case .fed: return .fed(range: .none)
        case .feed(let feed):
            return .feed(FeedDecl(target: feed.target.withoutSourceRanges,
                                  mappings: feed.mappings.map { .init(target: $0.target.withoutSourceRanges, source: $0.source.withoutSourceRanges, range: .none) },
                                  range: .none))
        }
    }
}

extension TableDecl {
    /// The table with every range in it set to `.none`.
    public var withoutSourceRanges: TableDecl {
        TableDecl(name: name.withoutSourceRanges, previousName: previousName?.withoutSourceRanges,
                  fields: fields.map(\.withoutSourceRanges), options: options.map(\.withoutSourceRanges),
                  copiedFrom: copiedFrom?.withoutSourceRanges, range: .none)
    }
}

extension SettingDecl {
    /// The setting with its ranges set to `.none`.
    public var withoutSourceRanges: SettingDecl {
        SettingDecl(key: key, value: value, keyRange: .none, valueRange: .none)
    }
}

extension ReportDecl {
    /// The report with its ranges set to `.none`.
    public var withoutSourceRanges: ReportDecl {
        ReportDecl(name: name.withoutSourceRanges, query: query, queryRange: .none, range: .none)
    }
}

extension SchemaFile {
    /// The schema with every range in it set to `.none`.
    public var withoutSourceRanges: SchemaFile {
        SchemaFile(settings: settings.map(\.withoutSourceRanges), tables: tables.map(\.withoutSourceRanges),
                   reports: reports.map(\.withoutSourceRanges),
                   reportTable: reportTable.map { ReportTableDecl(table: $0.table.withoutSourceRanges, range: .none) },
                   otherBases: otherBases.map {
                       OtherBaseDecl(name: $0.name.withoutSourceRanges, location: $0.location, locationRange: .none,
                                     tokenVariable: $0.tokenVariable, range: .none)
                   })
    }
}

extension OtherTableName {
    /// The name with its ranges set to `.none`.
    public var withoutSourceRanges: OtherTableName {
        OtherTableName(base: base.withoutSourceRanges, table: table.withoutSourceRanges, range: .none)
    }
}
