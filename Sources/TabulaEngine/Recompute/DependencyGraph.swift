import TabulaLanguage

/// Which computed field reads which field, and through which links: built once when a base opens
/// or its schema changes. Computed fields are levelled into one topological order, so a recompute
/// visits each dirty cell once, after everything it reads.
final class DependencyGraph {
    /// A computed field reading `input` on rows reached from its own row through `path` (link field ids, outward).
    struct Edge {
        let computed: FieldID
        let table: TableID
        let path: [FieldID]
    }

    let schema: Schema
    /// For each field, the computed fields that read it.
    private(set) var dependents: [FieldID: [Edge]] = [:]
    /// Computed fields in recompute order.
    private(set) var order: [FieldID] = []
    private(set) var level: [FieldID: Int] = [:]
    private(set) var formulas: [FieldID: CompiledFormula] = [:]
    /// Mirror `where` conditions, compiled in the last table of the path.
    private(set) var filters: [FieldID: CompiledFormula] = [:]
    /// Formula fields computed when read (they read the clock, or read such a field).
    private(set) var volatile: Set<FieldID> = []
    /// Mirrors kept by delta, and the inputs their delta covers (the spread skips those).
    private(set) var deltaPlans: [FieldID: DeltaPlan] = [:]
    private(set) var deltaInputs: [FieldID: Set<DeltaInput>] = [:]
    /// Mirrors that one SQL aggregate can compute set-wise.
    private(set) var mirrorQueries: [FieldID: MirrorQuery] = [:]
    /// Checked `default`s of data fields: constants, or formulas over the new row.
    private(set) var defaults: [FieldID: DefaultValues.Kind] = [:]

    init(schema: Schema) throws {
        self.schema = schema
        var reads: [FieldID: [FieldID]] = [:]
        for table in schema.tables {
            for field in table.fields {
                switch field.kind {
                case .formula(let spec):
                    let compiled = try FormulaCompiler.compile(source: SourceText(name: "\(table.name).\(field.name)", text: spec.source),
                                                               in: table, schema: schema)
                    formulas[field.id] = compiled
                    if compiled.isVolatile { volatile.insert(field.id) }
                    for path in compiled.paths { addPath(path, computed: field.id, table: table.id, prefix: [], reads: &reads) }
                case .mirror(let spec):
                    for (i, link) in spec.links.enumerated() { add(link, Edge(computed: field.id, table: table.id, path: Array(spec.links[..<i])), &reads) }
                    if let f = spec.field { add(f, Edge(computed: field.id, table: table.id, path: spec.links), &reads) }
                    if let o = spec.orderBy { add(o, Edge(computed: field.id, table: table.id, path: spec.links), &reads) }
                    if let filter = spec.filter, let last = lastTable(of: spec.links) {
                        let compiled = try FormulaCompiler.compile(source: SourceText(name: "\(table.name).\(field.name) where", text: filter),
                                                                   in: last, schema: schema)
                        filters[field.id] = compiled
                        for path in compiled.paths { addPath(path, computed: field.id, table: table.id, prefix: spec.links, reads: &reads) }
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
                    for (input, path) in TimerRoles.inputs(of: field, in: table, schema: schema) { add(input, Edge(computed: field.id, table: table.id, path: path), &reads) }
                default: break
                }
            }
        }
        levelize(reads)
        for table in schema.tables {
            for field in table.fields {
                guard case .mirror(let spec) = field.kind else { continue }
                mirrorQueries[field.id] = MirrorQuery.make(field: field, spec: spec, schema: schema)
                guard let plan = DeltaPlan.make(field: field, spec: spec, filter: filters[field.id], schema: schema, volatile: volatile) else { continue }
                deltaPlans[field.id] = plan
                deltaInputs[field.id] = plan.coveredInputs(spec, in: schema)
            }
        }
    }

    /// Whether the spread along `edge` from `input` is left to the delta of a mirror.
    func isCoveredByDelta(_ edge: Edge, input: FieldID) -> Bool {
        deltaInputs[edge.computed]?.contains(DeltaInput(field: input, path: edge.path)) ?? false
    }

    private func lastTable(of links: [FieldID]) -> Table? {
        guard let last = links.last, let (_, field) = schema.field(id: last), case .link(let spec) = field.kind else { return nil }
        return schema.table(id: spec.target)
    }

    private func addPath(_ path: [FieldID], computed: FieldID, table: TableID, prefix: [FieldID], reads: inout [FieldID: [FieldID]]) {
        for (i, f) in path.enumerated() {
            add(f, Edge(computed: computed, table: table, path: prefix + path[..<i]), &reads)
        }
    }

    private func add(_ input: FieldID, _ edge: Edge, _ reads: inout [FieldID: [FieldID]]) {
        dependents[input, default: []].append(edge)
        reads[edge.computed, default: []].append(input)
    }

    /// Orders computed fields so that each comes after every computed field it reads.
    private func levelize(_ reads: [FieldID: [FieldID]]) {
        var computed: [FieldID] = []
        for table in schema.tables { for f in table.fields where f.kind.isComputedByRecompute { computed.append(f.id) } }
        func depth(_ id: FieldID, _ visiting: inout Set<FieldID>) -> Int {
            if let l = level[id] { return l }
            guard visiting.insert(id).inserted else { return 0 }  // cycles are refused by the schema compiler
            var l = 0
            for input in reads[id] ?? [] where reads[input] != nil || formulas[input] != nil {
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
            for id in order where formulas[id] != nil && !volatile.contains(id) {
                if (reads[id] ?? []).contains(where: volatile.contains) { volatile.insert(id); changed = true }
            }
        }
    }
}
