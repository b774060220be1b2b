// Logic: if, switch, is_blank, coalesce, is_error, iferror. `and`, `or` and `not` are operators
// (keywords of the grammar), compiled in FormulaOperators.swift.

extension FormulaLibrary {
    static let logicFunctions: [FormulaFunction] = [
        FormulaFunction("if(condition, then[, else])", 2...3, compileIf),
        FormulaFunction("switch(value, case1, result1[, case2, result2, ...][, default])", 3...Int.max, compileSwitch),
        FormulaFunction("is_blank(x)", 1...1) { site in
            let e = site.args[0].eval
            return site.finish(.bool, { .bool(e($0).isBlank) }, fold: true)
        },
        FormulaFunction("is_error(x)", 1...1) { site in
            let e = site.args[0].eval
            return site.finish(.bool, { .bool(e($0).isError) }, fold: true)
        },
        FormulaFunction("coalesce(a, b, ...)", 1...Int.max, compileCoalesce),
        FormulaFunction("iferror(x, fallback)", 2...2, compileIferror),
    ]

    private static func compileIf(_ site: CallSite) -> Node {
        site.expect(0, .bool)
        if site.hasErrors { return site.failed }
        var branches = Array(site.args.dropFirst())
        let type = site.checker.unify(&branches, what: "the branches of if")
        if let k = site.args[0].constant, let t = Logic.truth(k) {
            var taken = t ? branches[0] : (branches.count > 1 ? branches[1] : Node.constant(.blank, type: .any, range: site.range))
            taken.type = type
            return taken
        }
        let c = site.args[0].eval, a = branches[0].eval
        let b: Eval = branches.count > 1 ? branches[1].eval : Node.constant(.blank, type: .any, range: site.range).eval
        return Node(type: type, eval: { inputs in
            let v = c(inputs)
            switch v {
            case .bool(true): return a(inputs)
            case .bool(false): return b(inputs)
            case .error: return v
            default: return v.isBlank ? b(inputs) : .error(.type)
            }
        }, range: site.range)
    }

    private static func compileSwitch(_ site: CallSite) -> Node {
        var cases: [Node] = [], results: [Node] = []
        var i = 1
        while i + 1 < site.args.count { cases.append(site.args[i]); results.append(site.args[i + 1]); i += 2 }
        let hasDefault = i < site.args.count
        if hasDefault { results.append(site.args[i]) }
        var subject = site.args[0]
        for k in cases.indices {
            site.checker.harmonize(&subject, &cases[k])
            let c = cases[k]
            if !c.failed && !subject.failed && !c.isBlankLiteral && !subject.isBlankLiteral
                && !areComparable(subject.type, c.type, ordered: false) {
                site.report("switch cannot compare \(site.typeName(subject.type)) with \(site.typeName(c.type))", at: c.range)
            }
        }
        if site.hasErrors || cases.contains(where: \.failed) || subject.failed { return site.failed }
        let type = site.checker.unify(&results, what: "the results of switch")
        let s = subject.eval, caseEvals = cases.map(\.eval), resultEvals = results.map(\.eval), env = site.env
        return Node(type: type, eval: { inputs in
            let v = s(inputs)
            if case .error = v { return v }
            for (k, c) in caseEvals.enumerated() {
                let w = c(inputs)
                if case .error = w { return w }
                if FormulaComparison.equals(v, w, inputs.context, env) { return resultEvals[k](inputs) }
            }
            return hasDefault ? resultEvals[resultEvals.count - 1](inputs) : .blank
        }, range: site.range)
    }

    private static func compileCoalesce(_ site: CallSite) -> Node {
        var nodes = site.args
        let type = site.checker.unify(&nodes, what: "the arguments of coalesce")
        let evals = nodes.map(\.eval)
        return site.finish(type, { inputs in
            for e in evals {
                let v = e(inputs)
                if !v.isBlank { return v }
            }
            return .blank
        }, fold: true)
    }

    private static func compileIferror(_ site: CallSite) -> Node {
        var nodes = site.args
        let type = site.checker.unify(&nodes, what: "the arguments of iferror")
        let a = nodes[0].eval, b = nodes[1].eval
        return site.finish(type, { inputs in
            let v = a(inputs)
            if case .error = v { return b(inputs) }
            return v
        }, fold: true)
    }
}
