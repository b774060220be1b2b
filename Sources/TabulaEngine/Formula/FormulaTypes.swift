import TabulaLanguage

// Static types as the formula checker sees them: names for messages, the families that
// functions accept, unification of branches, and the type rules of the operators.

extension ValueType {
    /// How a type is named in formula diagnostics: `text`, `EUR`, `link to Tasks`, `list of text`.
    package func formulaName(in schema: Schema) -> String {
        switch self {
        case .text: return "text"
        case .number: return "number"
        case .integer: return "integer"
        case .currency(let code): return code
        case .percent: return "percent"
        case .bool: return "bool"
        case .date: return "date"
        case .datetime: return "datetime"
        case .duration: return "duration"
        case .select: return "select"
        case .tags: return "tags"
        case .link(let t): return "link to " + (schema.table(id: t)?.name ?? "table \(t)")
        case .list(let e): return "list of " + e.formulaName(in: schema)
        case .any: return "any value"
        }
    }

    /// integer, number or percent.
    var isNumeric: Bool {
        switch self { case .integer, .number, .percent: return true; default: return false }
    }
    /// text or a select (whose values are texts).
    var isTextual: Bool {
        switch self { case .text, .select: return true; default: return false }
    }
    var isAny: Bool { if case .any = self { return true } else { return false } }
    package var currencyCode: String? { if case .currency(let c) = self { return c } else { return nil } }
    /// The element type of a list-valued type (`tags` holds texts).
    var listElement: ValueType? {
        switch self {
        case .list(let e): return e
        case .tags: return .text
        default: return nil
        }
    }
    /// The text-like view of a type for comparisons: selects compare as text, tags as lists of text.
    var comparable: ValueType {
        switch self {
        case .select: return .text
        case .tags: return .list(.text)
        case .list(let e): return .list(e.comparable)
        default: return self
        }
    }

    /// The zero a blank operand stands for in arithmetic, when the type has one.
    var arithmeticZero: Value? {
        switch self {
        case .integer: return .integer(0)
        case .number: return .number(0)
        case .percent: return .percent(0)
        case .currency(let c): return .money(Money(minorUnits: 0, currency: c))
        case .duration: return .duration(0)
        default: return nil
        }
    }
}

/// The families of types a function argument may accept.
enum TypeFamily: Sendable, Hashable {
    /// integer, number, percent
    case number
    /// text or select
    case text
    case bool
    case date
    case datetime
    /// date or datetime
    case time
    case duration
    /// any currency
    case money
    /// a list, tags, or a multiple link
    case list
    /// any type at all
    case anything

    func accepts(_ t: ValueType) -> Bool {
        if t.isAny { return true }
        switch self {
        case .number: return t.isNumeric
        case .text: return t.isTextual
        case .bool: return t == .bool
        case .date: return t == .date
        case .datetime: return t == .datetime
        case .time: return t == .date || t == .datetime
        case .duration: return t == .duration
        case .money: return t.currencyCode != nil
        case .list: return t.listElement != nil
        case .anything: return true
        }
    }

    var article: String {
        switch self {
        case .number: return "a number"
        case .text: return "text"
        case .bool: return "a bool"
        case .date: return "a date"
        case .datetime: return "a datetime"
        case .time: return "a date or datetime"
        case .duration: return "a duration"
        case .money: return "money"
        case .list: return "a list"
        case .anything: return "a value"
        }
    }
}

/// The result type of `l op r` for the arithmetic operators, or nil when the operation is not defined.
/// Mirrors `FormulaArithmetic` at run time.
func arithmeticType(_ op: BinaryOperator, _ l: ValueType, _ r: ValueType) -> ValueType? {
    switch op {
    case .add:
        if l.isNumeric && r.isNumeric { return l == r ? l : .number }
        if let a = l.currencyCode, let b = r.currencyCode { return a == b ? l : nil }
        switch (l, r) {
        case (.duration, .duration): return .duration
        case (.datetime, .duration), (.duration, .datetime): return .datetime
        case (.date, .integer), (.date, .number), (.integer, .date), (.number, .date): return .date
        default: return nil
        }
    case .subtract:
        if l.isNumeric && r.isNumeric { return l == r ? l : .number }
        if let a = l.currencyCode, let b = r.currencyCode { return a == b ? l : nil }
        switch (l, r) {
        case (.duration, .duration): return .duration
        case (.datetime, .duration): return .datetime
        case (.datetime, .datetime): return .duration
        case (.date, .integer), (.date, .number): return .date
        case (.date, .date): return .integer
        default: return nil
        }
    case .multiply:
        if l.isNumeric && r.isNumeric { return l == .integer && r == .integer ? .integer : .number }
        if l.currencyCode != nil && r.isNumeric { return l }
        if r.currencyCode != nil && l.isNumeric { return r }
        if l == .duration && r.isNumeric { return .duration }
        if r == .duration && l.isNumeric { return .duration }
        return nil
    case .divide:
        if l.isNumeric && r.isNumeric { return .number }
        if let a = l.currencyCode {
            if r.isNumeric { return l }
            if let b = r.currencyCode { return a == b ? .number : nil }
        }
        if l == .duration && r.isNumeric { return .duration }
        if l == .duration && r == .duration { return .number }
        return nil
    case .modulo:
        if l == .integer && r == .integer { return .integer }
        if l.isNumeric && r.isNumeric { return .number }
        if l == .duration && r == .duration { return .duration }
        return nil
    case .power:
        if l.isNumeric && r.isNumeric { return .number }
        return nil
    default:
        return nil
    }
}

/// Whether two static types can be compared. `ordered` asks for `<`, `>`, ...; equality is wider.
func areComparable(_ l: ValueType, _ r: ValueType, ordered: Bool) -> Bool {
    if l.isAny || r.isAny { return true }
    let a = l.comparable, b = r.comparable
    if a.isNumeric && b.isNumeric { return true }
    if let x = a.currencyCode, let y = b.currencyCode { return x == y }
    switch (a, b) {
    case (.text, .text), (.bool, .bool), (.duration, .duration),
         (.date, .date), (.datetime, .datetime), (.date, .datetime), (.datetime, .date):
        return true
    case (.link(let x), .link(let y)):
        return !ordered && x == y
    case (.list(let x), .list(let y)):
        return !ordered && areComparable(x, y, ordered: false)
    default:
        return false
    }
}

/// Levenshtein distance, case-insensitive, for did-you-mean hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo.
func closestName(to name: String, among candidates: [String]) -> String? {
    let limit = max(1, min(3, name.count / 3 + 1))
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(name, c)
        if d <= limit, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}
