import TabulaLanguage

/// Constant default values (`default 40h`, `default billable`, `default 0`): turned into a value of
/// the field's type when the schema loads, so a bad default is a schema error, not a failed insert.
enum DefaultValues {
    struct Problem: Error { var message: String; var hint: String? }

    static func check(_ expr: Expression, for type: ValueType, context: ValueContext) -> Problem? {
        do { _ = try value(of: expr, for: type, context: context); return nil } catch { return error }
    }

    static func value(of expr: Expression, for type: ValueType, context: ValueContext) throws(Problem) -> Value {
        let text: String
        switch expr.kind {
        case .number(_, let t): text = t
        case .unary(.negate, let inner):
            guard case .number(_, let t) = inner.kind else { throw notConstant(type) }
            text = "-" + t
        case .string(let s): text = s
        case .bool(let b):
            guard type == .bool else { throw mismatch("true/false", type) }
            return .bool(b)
        case .blank: return .blank
        case .date(let y, let m, let d):
            guard let date = CivilDate(year: y, month: m, day: d) else { throw mismatch("an invalid date", type) }
            text = date.iso
        case .datetime(let t): text = t
        case .duration(let seconds):
            guard type == .duration else { throw mismatch("a duration", type) }
            return .duration(seconds)
        case .money(let amount, let code): text = amount + " " + code
        case .path(let names) where names.count == 1: text = names[0].text
        case .list(let items):
            guard case .tags = type else { throw mismatch("a list", type) }
            var parts: [String] = []
            for item in items {
                guard case .path(let n) = item.kind, n.count == 1 else { throw notConstant(type) }
                parts.append(n[0].text)
            }
            text = parts.joined(separator: ", ")
        default:
            throw notConstant(type)
        }
        do {
            return try type.parse(text, context: context)
        } catch {
            throw Problem(message: "bad default for a \(type.displayName) field: \(error.message)", hint: error.hint)
        }
    }

    private static func notConstant(_ type: ValueType) -> Problem {
        Problem(message: "a default must be a constant of the field's type (\(type.displayName))",
                hint: "write a literal such as 0, \"text\", 2026-11-20, 40h or 12.50 EUR")
    }
    private static func mismatch(_ what: String, _ type: ValueType) -> Problem {
        Problem(message: "bad default for a \(type.displayName) field: got \(what)", hint: "write a value of type \(type.displayName)")
    }
}
