import TabulaLanguage

/// A base's schema compiled once, when the base opens or its schema changes: every formula,
/// mirror condition, default and lock condition compiled, the mirrors' SQL and delta plans made,
/// the timers' roles resolved, and the dependency graph built. Nothing that runs per write parses
/// or compiles schema text again.
final class CompiledSchema {
    let schema: Schema
    /// Which computed field reads which, in recompute order.
    let graph: DependencyGraph
    private(set) var formulas: [FieldID: CompiledFormula] = [:]
    /// Mirror `where` conditions, compiled in the last table of the path.
    private(set) var filters: [FieldID: CompiledFormula] = [:]
    /// Mirrors kept by delta, and the inputs their delta covers (the spread skips those).
    private(set) var deltaPlans: [FieldID: DeltaPlan] = [:]
    private(set) var deltaInputs: [FieldID: Set<DeltaInput>] = [:]
    /// Mirrors that one SQL aggregate can compute set-wise.
    private(set) var mirrorQueries: [FieldID: MirrorQuery] = [:]
    /// Checked `default`s of data fields: constants, or formulas over the new row.
    private(set) var defaults: [FieldID: DefaultValues.Kind] = [:]
    /// Each table's `lock when` condition.
    private(set) var locks: [TableID: CompiledFormula] = [:]
    /// Each table's `read when` and `write when` rules, split into row and actor parts.
    private(set) var accessRules: [TableID: [AccessKind: AccessRule]] = [:]
    /// Each table's `check EXPR else "MESSAGE"` rules with their conditions.
    private(set) var checks: [TableID: [(RowCheck, CompiledFormula)]] = [:]
    /// Every timer field with its roles.
    let timers: [TimerRoles]
    /// The columns of each table that a recompute's deltas read: those the delta-kept rollups
    /// over it read, and its own delta-kept rollups (their stored values, which a delta adjusts).
    private(set) var deltaColumns: [TableID: [Field]] = [:]
    /// The kept summary of each table with a time field (Recompute/Summaries.swift).
    private(set) var summaries: [TableID: SummaryLayout] = [:]
    /// Each table's insert plan, made on first insert (Transaction/BulkInsert.swift).
    var insertPlans: [TableID: InsertPlan] = [:]
    /// Each formula's joined input SELECT per table, made on first use (Recompute/Recompute.swift).
    var joinedInputs: [JoinedInputs.Key: JoinedInputs] = [:]

    /// Each field with its table, by id (a schema's `field(id:)` scans every table).
    let fieldsByID: [FieldID: (table: Table, field: Field)]

    init(schema: Schema) throws {
        self.schema = schema
        timers = schema.timers
        var located: [FieldID: (table: Table, field: Field)] = [:]
        for table in schema.tables { for field in table.fields { located[field.id] = (table, field) } }
        fieldsByID = located
        var edges = DependencyGraph.Builder()
        var volatile: Set<FieldID> = []
        for table in schema.tables {
            for field in table.fields {
                switch field.kind {
                case .formula(let spec):
                    let compiled = try FormulaCompiler.compile(source: SourceText(name: "\(table.name).\(field.name)", text: spec.source),
                                                               in: table, schema: schema)
                    formulas[field.id] = compiled
                    if compiled.isVolatile { volatile.insert(field.id) }
                    for path in compiled.paths { edges.addPath(path, computed: field.id, table: table.id, prefix: []) }
                case .mirror(let spec):
                    for (i, link) in spec.links.enumerated() { edges.add(link, DependencyGraph.Edge(computed: field.id, table: table.id, path: Array(spec.links[..<i]))) }
                    if let f = spec.field { edges.add(f, DependencyGraph.Edge(computed: field.id, table: table.id, path: spec.links)) }
                    if let o = spec.orderBy { edges.add(o, DependencyGraph.Edge(computed: field.id, table: table.id, path: spec.links)) }
                    if let filter = spec.filter, let last = Self.lastTable(of: spec.links, in: schema) {
                        let compiled = try FormulaCompiler.compile(source: SourceText(name: "\(table.name).\(field.name) where", text: filter),
                                                                   in: last, schema: schema)
                        filters[field.id] = compiled
                        for path in compiled.paths { edges.addPath(path, computed: field.id, table: table.id, prefix: spec.links) }
                    }
                case .data:
                    if let source = field.defaultExpression {
                        let text = SourceText(name: "\(table.name).\(field.name) default", text: source)
                        switch DefaultValues.classify(try ExpressionParser.parse(text), for: field, in: table, schema: schema) {
                        case .success(let kind): defaults[field.id] = kind
                        case .failure(let list): throw SourceErrors(source: text, diagnostics: list.diagnostics)
                        }
                    }
                case .timer:
                    for (input, path) in TimerRoles.inputs(of: field, in: table, schema: schema) { edges.add(input, DependencyGraph.Edge(computed: field.id, table: table.id, path: path)) }
                default: break
                }
            }
        }
        graph = DependencyGraph(schema: schema, edges: edges, formulas: Set(formulas.keys), volatile: volatile)
        for table in schema.tables {
            if let layout = SummaryLayout.make(table, schema: schema, volatile: graph.volatile) { summaries[table.id] = layout }
        }
        for table in schema.tables {
            for check in table.checks ?? [] {
                do {
                    let formula = try FormulaCompiler.compile(source: SourceText(name: "\(table.name) check", text: check.condition), in: table, schema: schema)
                    checks[table.id, default: []].append((check, formula))
                } catch {
                    throw EngineError(.schema, "the check `\(check.condition)` of \(table.name) no longer compiles: \(error.description)",
                                      remedy: .fixSchema(what: "the check of \(table.name)"))
                }
            }
            for (kind, source) in [(AccessKind.read, table.readCondition), (.write, table.writeCondition)] {
                guard let source else { continue }
                let text = SourceText(name: "\(table.name) \(kind.rawValue) rule", text: source)
                do {
                    let expression = try ExpressionParser.parse(text)
                    do {
                        accessRules[table.id, default: [:]][kind] = try AccessRule.compile(expression, in: table, schema: schema)
                    } catch {
                        throw SourceErrors(source: text, diagnostics: error.diagnostics)
                    }
                } catch {
                    throw EngineError(.schema, "the \(kind.rawValue) rule of \(table.name) no longer compiles: \(error)",
                                      remedy: .fixSchema(what: "`\(kind.rawValue) when` of \(table.name)"))
                }
            }
            if let source = table.lockCondition {
                do {
                    locks[table.id] = try FormulaCompiler.compile(source: SourceText(name: "\(table.name) lock", text: source), in: table, schema: schema)
                } catch {
                    throw EngineError(.schema, "the lock condition of \(table.name) no longer compiles: \(error.description)",
                                      remedy: .fixSchema(what: "`lock when` of \(table.name)"))
                }
            }
        }
        for table in schema.tables {
            for field in table.fields {
                guard case .mirror(let spec) = field.kind else { continue }
                mirrorQueries[field.id] = MirrorQuery.make(field: field, spec: spec, schema: schema)
                guard let plan = DeltaPlan.make(field: field, spec: spec, filter: filters[field.id], schema: schema, volatile: graph.volatile) else { continue }
                deltaPlans[field.id] = plan
                deltaInputs[field.id] = plan.coveredInputs(spec, in: schema)
            }
        }
        for roles in timers {
            guard let plan = DeltaPlan.make(timer: roles, schema: schema) else { continue }
            deltaPlans[roles.timerField] = plan
            deltaInputs[roles.timerField] = DeltaPlan.coveredInputs(timer: roles)
        }
        var columnsByTable: [TableID: Set<FieldID>] = [:]
        for (mirror, plan) in deltaPlans {
            columnsByTable[plan.childTable, default: []].formUnion(plan.childFields)
            if let table = located[mirror]?.table { columnsByTable[table.id, default: []].insert(mirror) }
        }
        deltaColumns = columnsByTable.mapValues { $0.sorted().compactMap { located[$0]?.field } }
    }

    /// Whether the spread along `edge` from `input` is left to the delta of a mirror.
    func isCoveredByDelta(_ edge: DependencyGraph.Edge, input: FieldID) -> Bool {
        deltaInputs[edge.computed]?.contains(DeltaInput(field: input, path: edge.path)) ?? false
    }

    private static func lastTable(of links: [FieldID], in schema: Schema) -> Table? {
        guard let last = links.last, let (_, field) = schema.field(id: last), case .link(let spec) = field.kind else { return nil }
        return schema.table(id: spec.target)
    }
}

/// Which computed field reads which field, and through which links: only the edges, levelled into
/// one topological order so that a recompute visits each dirty cell once, after everything it reads.
struct DependencyGraph {
    /// A computed field reading `input` on rows reached from its own row through `path` (link field ids, outward).
    struct Edge {
        let computed: FieldID
        let table: TableID
        let path: [FieldID]
    }

    /// The edges as they are found, before levelling.
    struct Builder {
        private(set) var dependents: [FieldID: [Edge]] = [:]
        private(set) var reads: [FieldID: [FieldID]] = [:]

        mutating func addPath(_ path: [FieldID], computed: FieldID, table: TableID, prefix: [FieldID]) {
            for (i, f) in path.enumerated() {
                add(f, Edge(computed: computed, table: table, path: prefix + path[..<i]))
            }
        }

        mutating func add(_ input: FieldID, _ edge: Edge) {
            dependents[input, default: []].append(edge)
            reads[edge.computed, default: []].append(input)
        }
    }

    /// For each field, the computed fields that read it.
    let dependents: [FieldID: [Edge]]
    /// Computed fields in recompute order.
    private(set) var order: [FieldID] = []
    private(set) var level: [FieldID: Int] = [:]
    /// Formula fields computed when read (they read the clock, or read such a field).
    private(set) var volatile: Set<FieldID>

    /// Levels the edges; `formulas` are the formula fields, `volatile` those that read the clock.
    init(schema: Schema, edges: Builder, formulas: Set<FieldID>, volatile: Set<FieldID>) {
        dependents = edges.dependents
        self.volatile = volatile
        levelize(edges.reads, schema: schema, formulas: formulas)
    }

    /// Orders computed fields so that each comes after every computed field it reads.
    private mutating func levelize(_ reads: [FieldID: [FieldID]], schema: Schema, formulas: Set<FieldID>) {
        var computed: [FieldID] = []
        for table in schema.tables { for f in table.fields where f.kind.isComputedByRecompute { computed.append(f.id) } }
        func depth(_ id: FieldID, _ visiting: inout Set<FieldID>) -> Int {
            if let l = level[id] { return l }
            guard visiting.insert(id).inserted else { return 0 }  // cycles are refused by the schema compiler
            var l = 0
            for input in reads[id] ?? [] where reads[input] != nil || formulas.contains(input) {
                l = max(l, depth(input, &visiting) + 1)
            }
            visiting.remove(id)
            level[id] = l
            return l
        }
        var visiting: Set<FieldID> = []
        for id in computed { _ = depth(id, &visiting) }
        order = computed.sorted { (level[$0]!, $0) < (level[$1]!, $1) }
        // Volatility spreads to every formula that reads a volatile field.
        var changed = true
        while changed {
            changed = false
            for id in order where formulas.contains(id) && !volatile.contains(id) {
                if (reads[id] ?? []).contains(where: volatile.contains) { volatile.insert(id); changed = true }
            }
        }
    }
}

extension CompiledSchema {
    /// The compiled rule of that kind of a table (the schema compiler has checked it).
    func accessRule(_ kind: AccessKind, of table: Table, source: String) throws -> AccessRule {
        guard let rule = accessRules[table.id]?[kind] else {
            throw EngineError(.schema, "the \(kind.rawValue) rule of \(table.name) is missing", hint: "apply the schema again")
        }
        return rule
    }
}
