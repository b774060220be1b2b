import Foundation

// Text: len, upper, lower, trim, left, right, mid, find, replace, substitute, contains,
// starts_with, ends_with, split, join, text, value, regex_match, regex_replace.
// Positions and lengths count characters as people see them (grapheme clusters).

extension FormulaLibrary {
    static let textFunctions: [FormulaFunction] = [
        FormulaFunction("len(x)", 1...1, compileLen),
        FormulaFunction("upper(text)", 1...1) { caseMapping($0, upper: true) },
        FormulaFunction("lower(text)", 1...1) { caseMapping($0, upper: false) },
        FormulaFunction("trim(text)", 1...1) { site in
            textual(site, [.text]) { v, _ in .text(text(v).trimmingCharacters(in: .whitespacesAndNewlines)) }
        },
        FormulaFunction("left(text, count)", 2...2) { site in
            textual(site, [.text, .number]) { v, inputs in
                guard let n = Numeric.truncated(inputs[1]), n >= 0 else { return .error(.value) }
                return .text(String(text(v).prefix(Int(clamping: n))))
            }
        },
        FormulaFunction("right(text, count)", 2...2) { site in
            textual(site, [.text, .number]) { v, inputs in
                guard let n = Numeric.truncated(inputs[1]), n >= 0 else { return .error(.value) }
                return .text(String(text(v).suffix(Int(clamping: n))))
            }
        },
        FormulaFunction("mid(text, start, count)", 3...3) { site in
            textual(site, [.text, .number, .number]) { v, inputs in
                guard let start = Numeric.truncated(inputs[1]), start >= 1,
                      let n = Numeric.truncated(inputs[2]), n >= 0 else { return .error(.value) }
                return .text(String(text(v).dropFirst(Int(clamping: start - 1)).prefix(Int(clamping: n))))
            }
        },
        FormulaFunction("find(part, text[, start])", 2...3) { site in
            textual(site, [.text, .text, .number], type: .integer, blanks: .none) { _, inputs in
                let part = Array(text(inputs[0])), whole = Array(text(inputs[1]))
                var from = 0
                if inputs.count > 2 {
                    guard let s = Numeric.truncated(inputs[2]), s >= 1 else { return .error(.value) }
                    from = Int(clamping: s - 1)
                }
                if part.isEmpty { return .integer(Int64(min(from, whole.count) + 1)) }
                guard whole.count >= part.count, from <= whole.count - part.count else { return .integer(0) }
                for i in from...(whole.count - part.count) where whole[i..<(i + part.count)].elementsEqual(part) {
                    return .integer(Int64(i + 1))
                }
                return .integer(0)
            }
        },
        FormulaFunction("replace(text, start, count, new)", 4...4) { site in
            textual(site, [.text, .number, .number, .text], blanks: .first) { v, inputs in
                guard let start = Numeric.truncated(inputs[1]), start >= 1,
                      let n = Numeric.truncated(inputs[2]), n >= 0 else { return .error(.value) }
                var chars = Array(text(v))
                let a = min(Int(clamping: start - 1), chars.count), b = min(a + Int(clamping: n), chars.count)
                chars.replaceSubrange(a..<b, with: Array(text(inputs[3])))
                return .text(String(chars))
            }
        },
        FormulaFunction("substitute(text, old, new)", 3...3) { site in
            textual(site, [.text, .text, .text], blanks: .first) { v, inputs in
                let old = text(inputs[1])
                if old.isEmpty { return v }
                return .text(text(v).replacing(old, with: text(inputs[2])))
            }
        },
        FormulaFunction("contains(text, part)", 2...2) { site in
            textual(site, [.text, .text], type: .bool, blanks: .none) { v, inputs in
                let part = text(inputs[1])
                return .bool(part.isEmpty || text(v).contains(part))
            }
        },
        FormulaFunction("starts_with(text, prefix)", 2...2) { site in
            textual(site, [.text, .text], type: .bool, blanks: .none) { v, inputs in .bool(text(v).hasPrefix(text(inputs[1]))) }
        },
        FormulaFunction("ends_with(text, suffix)", 2...2) { site in
            textual(site, [.text, .text], type: .bool, blanks: .none) { v, inputs in .bool(text(v).hasSuffix(text(inputs[1]))) }
        },
        FormulaFunction("split(text, separator)", 2...2) { site in
            textual(site, [.text, .text], type: .list(.text), blanks: .first) { v, inputs in
                let s = text(v), sep = text(inputs[1])
                if sep.isEmpty { return .list(s.map { .text(String($0)) }) }
                return .list(s.split(separator: sep, omittingEmptySubsequences: false).map { .text(String($0)) })
            }
        },
        FormulaFunction("join(list, separator)", 2...2, compileJoin),
        FormulaFunction("text(value[, pattern])", 1...2, compileText),
        FormulaFunction("value(text)", 1...1) { site in
            textual(site, [.text], type: .number) { v, _ in parseNumber(text(v)).map(Value.number) ?? .error(.value) }
        },
        FormulaFunction("regex_match(text, pattern)", 2...2) { site in regex(site, type: .bool) },
        FormulaFunction("regex_replace(text, pattern, replacement)", 3...3) { site in regex(site, type: .text) },
    ]

    /// The text of a text or select value.
    @inline(__always) static func text(_ v: Value) -> String {
        if case .text(let s) = v { return s }
        return ""
    }

    /// A strict text function: checks the arguments' families, then runs `body` on the first
    /// argument and all of them (already evaluated, errors propagated).
    private static func textual(_ site: CallSite, _ families: [TypeFamily], type: ValueType = .text, blanks: BlankRule = .any,
                                fold: Bool = true, _ body: @escaping @Sendable (Value, [Value]) -> Value) -> Node {
        for (i, f) in families.enumerated() { site.expect(i, f) }
        if site.hasErrors { return site.failed }
        return site.strictAll(type, blanks: blanks, fold: fold) { values, _ in
            for (i, v) in values.enumerated() where i < families.count && families[i] == .text {
                if !v.isBlank, case .text = v {} else if !v.isBlank { return .error(.type) }
            }
            for (i, v) in values.enumerated() where i < families.count && families[i] == .number && !v.isBlank && !v.isNumericValue {
                return .error(.type)
            }
            return body(values[0], values)
        }
    }

    private static func compileLen(_ site: CallSite) -> Node {
        site.expect(0, .text, .list)
        if site.hasErrors { return site.failed }
        return site.strict(.integer, blanks: .none) { (v: Value, _: any FormulaInputs) -> Value in
            switch v {
            case .text(let s): return .integer(Int64(s.count))
            case .list(let l): return .integer(Int64(l.count))
            case .blank: return .integer(0)
            default: return .error(.type)
            }
        }
    }

    private static func caseMapping(_ site: CallSite, upper: Bool) -> Node {
        site.expect(0, .text)
        if site.hasErrors { return site.failed }
        return site.strict(.text, fold: false) { (v: Value, inputs: any FormulaInputs) -> Value in
            guard case .text(let s) = v else { return .error(.type) }
            let locale = inputs.context.locale
            return .text(upper ? TextCase.upper(s, locale: locale) : TextCase.lower(s, locale: locale))
        }
    }

    private static func compileJoin(_ site: CallSite) -> Node {
        site.expect(0, .list)
        site.expect(1, .text)
        if case .list(.link)? = site.args.first?.type {
            site.report("join cannot show linked rows", at: site.args[0].range, hint: "use a mirror field: mirror concat(...)")
        }
        if site.hasErrors { return site.failed }
        let env = site.env
        return site.strict(.text, blanks: .none, fold: false) { (list: Value, sep: Value, inputs: any FormulaInputs) -> Value in
            let items: [Value]
            switch list {
            case .list(let l): items = l
            case .blank: items = []
            default: items = [list]
            }
            var parts: [String] = []
            for item in items {
                if case .error = item { return item }
                if !item.isBlank { parts.append(FormulaText.display(item, inputs.context, env)) }
            }
            return .text(parts.joined(separator: text(sep)))
        }
    }

    private static func compileText(_ site: CallSite) -> Node {
        site.args[0] = site.checker.displayable(site.args[0])
        site.expect(1, .text)
        if site.hasErrors { return site.failed }
        let env = site.env
        if site.args.count == 1 {
            return site.strict(.text, fold: false) { (v: Value, inputs: any FormulaInputs) -> Value in
                .text(FormulaText.display(v, inputs.context, env))
            }
        }
        return site.strict(.text, blanks: .first, fold: false) { (v: Value, p: Value, inputs: any FormulaInputs) -> Value in
            let pattern = text(p)
            if pattern.isEmpty { return .text(FormulaText.display(v, inputs.context, env)) }
            switch v {
            case .date(let d):
                return .text(FormulaText.format(date: d, secondsOfDay: 0, pattern: pattern))
            case .datetime(let t):
                let local = t.localTime(in: env.zone(inputs.context))
                return .text(FormulaText.format(date: local.date, secondsOfDay: local.secondsOfDay, pattern: pattern))
            case .integer, .number, .percent:
                return FormulaText.format(number: Numeric.double(v)!, pattern: pattern).map(Value.text) ?? .error(.value)
            case .money(let m):
                let major = Double(MoneyMath.major(m).description) ?? .nan
                return FormulaText.format(number: major, pattern: pattern).map { .text($0 + " " + m.currency) } ?? .error(.value)
            default:
                return .error(.value)
            }
        }
    }

    /// A plain decimal number: optional sign, digits with an optional `.` fraction and exponent,
    /// optional `%` (a fraction of 100). Surrounding whitespace is ignored.
    static func parseNumber(_ s: String) -> Double? {
        var t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        var scale = 1.0
        if t.hasSuffix("%") { t.removeLast(); scale = 0.01 }
        guard !t.isEmpty, t.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || "+-.eE".unicodeScalars.contains($0) }),
              t.unicodeScalars.contains(where: { ("0"..."9").contains($0) }),
              let d = Double(t), d.isFinite else { return nil }
        return d * scale
    }

    private static func regex(_ site: CallSite, type: ValueType) -> Node {
        for i in site.args.indices { site.expect(i, .text) }
        if site.hasErrors { return site.failed }
        var fixed: NSRegularExpression?
        if case .text(let p)? = site.args[1].constant {
            do { fixed = try NSRegularExpression(pattern: p) } catch {
                return site.fail("invalid regular expression \"\(p)\"", at: site.args[1].range,
                                 hint: "the pattern follows ICU regular expressions; escape special characters with \\")
            }
        }
        let compiled = fixed
        return site.strictAll(type, blanks: .first) { values, _ in
            guard case .text(let pattern) = values[1] else { return values[1].isBlank ? .error(.value) : .error(.type) }
            guard let re = compiled ?? (try? NSRegularExpression(pattern: pattern)) else { return .error(.value) }
            let s = text(values[0])
            let range = NSRange(s.startIndex..<s.endIndex, in: s)
            if values.count == 2 { return .bool(re.firstMatch(in: s, range: range) != nil) }
            return .text(re.stringByReplacingMatches(in: s, range: range, withTemplate: text(values[2])))
        }
    }
}
