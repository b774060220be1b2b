extension Expression {
    /// The expression written back as formula source, with only the parentheses its structure needs
    /// and names braced where they must be. Parsing it gives the same tree (modulo source ranges).
    public var sourceText: String { ExpressionPrinter.print(self) }

    /// How tightly the printed expression binds (see the precedence table in `Grammar/formula.ebnf`).
    var precedence: Precedence {
        switch kind {
        case .binary(let op, _, _): return Precedence.of(op)
        case .unary(.not, _): return .not
        case .unary(.negate, _): return .negation
        default: return .postfix
        }
    }
}

/// Writes expressions back as source text.
enum ExpressionPrinter {
    static func print(_ e: Expression) -> String {
        switch e.kind {
        case .number(let value, let text):
            if !text.isEmpty { return text }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case .string(let s): return quote(s)
        case .bool(let b): return b ? "true" : "false"
        case .blank: return "blank"
        case .date(let y, let m, let d): return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        case .datetime(let text): return text
        case .duration(let seconds): return duration(seconds)
        case .money(let amount, let currency): return "\(amount) \(currency)"
        case .period(let p): return period(p)
        case .path(let names): return names.map(\.quoted).joined(separator: ".")
        case .call(let name, let args, let filter):
            var inside = args.map(print).joined(separator: ", ")
            if let filter { inside += (inside.isEmpty ? "where " : " where ") + print(filter) }
            return "\(name.quoted)(\(inside))"
        case .list(let items):
            let inside = items.map(print).joined(separator: ", ")
            return items.count >= 2 ? "(\(inside))" : "[\(inside)]"
        case .unary(.not, let operand):
            if case .binary(.in, let l, let r) = operand.kind {
                return "\(wrap(l, when: l.precedence <= .comparison)) not in \(wrap(r, when: r.precedence <= .comparison))"
            }
            return "not " + wrap(operand, when: operand.precedence < .not)
        case .unary(.negate, let operand):
            let inner = wrap(operand, when: operand.precedence < .negation)
            return inner.hasPrefix("-") ? "-(\(inner))" : "-" + inner
        case .binary(let op, let l, let r):
            let p = Precedence.of(op)
            let left: String, right: String
            switch p {
            case .comparison:
                left = wrap(l, when: l.precedence <= p); right = wrap(r, when: r.precedence <= p)
            case .power:
                left = wrap(l, when: l.precedence <= p); right = wrap(r, when: r.precedence < .negation)
            default:
                left = wrap(l, when: l.precedence < p); right = wrap(r, when: r.precedence <= p)
            }
            let symbol: String
            switch op {
            case .and: symbol = "and"
            case .or: symbol = "or"
            case .in: symbol = "in"
            default: symbol = op.rawValue
            }
            return op == .power ? "\(left)^\(right)" : "\(left) \(symbol) \(right)"
        }
    }

    private static func wrap(_ e: Expression, when needed: Bool) -> String {
        needed ? "(\(print(e)))" : print(e)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `1h30m`, `40h`, `2d` (whole days only), `45s`, `0s`.
    static func duration(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        let sign = seconds < 0 ? "-" : ""
        var rest = seconds.magnitude
        if rest % 86_400 == 0 { return "\(sign)\(rest / 86_400)d" }
        var out = ""
        for (unit, size) in [("h", UInt64(3_600)), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return sign + out
    }

    static func period(_ p: PeriodLiteral) -> String {
        switch p {
        case .day(let y, let m, let d): return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        case .week(let y, let w): return "\(pad(y, 4))-W\(pad(w, 2))"
        case .month(let y, let m): return "\(pad(y, 4))-\(pad(m, 2))"
        case .quarter(let y, let q): return "\(pad(y, 4))-Q\(q)"
        case .year(let y): return String(y)
        }
    }
}
