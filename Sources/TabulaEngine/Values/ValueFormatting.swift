extension ValueType {
    /// Formats a value for display, CSV and the CLI, so that `parse(format(v)) == v` for every
    /// value of the type (texts that are only whitespace read back as blank; tags and select
    /// options that contain a comma cannot round-trip through `tags`).
    ///
    /// - number: the shortest text that reads back to the same Double (`1500`, `0.1`, `1e+21`).
    /// - integer: digits. percent: `15%`, `12.5%`, exact. bool: `true` / `false`.
    /// - currency: `1500.50 EUR`: no thousands separators, a dot, exactly the currency's
    ///   decimals, the code after a space.
    /// - date: `2026-11-20`.
    /// - datetime: `2026-11-20 10:30` in `context.timeZone`, with `:ss` when the seconds are not
    ///   zero, never milliseconds (they are dropped: times print to the second); the offset (`+02:00`) is appended only
    ///   when that local time happens twice (a DST overlap), so that it reads back the same.
    /// - duration: `1:30` (H:MM), `0:00:45` (H:MM:SS when the seconds are not zero), `-0:15`;
    ///   hours go past 24 (`27:00`).
    /// - select: the option. tags: `a, b`. link: `#12`. list(T): elements as T, joined by `, `.
    ///
    /// A value of another case than the type's falls back to `Value.formatted(context:)`;
    /// `.blank` is the empty string and an error is its code (`#DIV/0`).
    public func format(_ value: Value, context: ValueContext) -> String {
        switch (self, value) {
        case (.list(let element), .list(let items)):
            return items.map { element.format($0, context: context) }.joined(separator: ", ")
        case (.tags, .list(let items)):
            return items.map { $0.formatted(context: context) }.joined(separator: ", ")
        default:
            return value.formatted(context: context)
        }
    }

    /// The type as written in a schema file: `text`, `currency(EUR)`, `select(a, b, {c d})`,
    /// `link`, `list(date)`. Options that are not plain identifiers are written in braces.
    public var displayName: String {
        switch self {
        case .text: return "text"
        case .number: return "number"
        case .integer: return "integer"
        case .currency(let code): return code.isEmpty ? "currency" : "currency(\(code))"
        case .percent: return "percent"
        case .bool: return "bool"
        case .date: return "date"
        case .datetime: return "datetime"
        case .duration: return "duration"
        case .select(let options): return "select(" + options.map(ValueType.optionName).joined(separator: ", ") + ")"
        case .tags(let options): return "tags(" + options.map(ValueType.optionName).joined(separator: ", ") + ")"
        case .link: return "link"
        case .list(let element): return "list(\(element.displayName))"
        case .any: return "any"
        }
    }

    private static func optionName(_ option: String) -> String {
        let isIdentifier = !option.isEmpty
            && option.first.map { $0.isLetter || $0 == "_" } == true
            && option.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return isIdentifier ? option : "{\(option)}"
    }
}

extension Value {
    /// Formats a value by its own case, for formula results whose field type is not at hand
    /// (`text(x)`, `&`, messages). The same forms as `ValueType.format`: `1500.50 EUR`, `15%`,
    /// `1:30`, `2026-11-20 10:30`, `#12`; lists joined by `, `; an error as its code; blank as "".
    public func formatted(context: ValueContext) -> String {
        switch self {
        case .blank: return ""
        case .text(let s): return s
        case .number(let d): return ValueText.formatNumber(d)
        case .integer(let i): return String(i)
        case .money(let m): return m.description
        case .percent(let p): return ValueText.formatPercent(p)
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return d.iso
        case .datetime(let i): return ValueText.formatDatetime(i, rules: TimeZoneRules.named(context.timeZone))
        case .duration(let s): return ValueText.formatDuration(s)
        case .link(let id): return "#\(id)"
        case .list(let items): return items.map { $0.formatted(context: context) }.joined(separator: ", ")
        case .error(let e): return e.code
        }
    }

    /// The JSON form: blank → null; text → string; number → number; integer and link (row id) →
    /// integer; money → a decimal string (`"1500.50"`, exact); percent → the fraction (0.15);
    /// bool; date → `"2026-11-20"`; datetime → ISO 8601 with the offset of the context's zone
    /// (`"2026-11-20T10:30:00+01:00"`); duration → integer seconds; list → array; error → its
    /// code string (`"#DIV/0"`). Non-finite numbers become null.
    public func json(context: ValueContext) -> JSONValue {
        switch self {
        case .blank: return .null
        case .text(let s): return .string(s)
        case .number(let d): return d.isFinite ? .number(d) : .null
        case .integer(let i): return .integer(i)
        case .money(let m): return .string(m.decimalString)
        case .percent(let p): return p.isFinite ? .number(p) : .null
        case .bool(let b): return .bool(b)
        case .date(let d): return .string(d.iso)
        case .datetime(let i): return .string(i.iso8601(in: context.timeZone))
        case .duration(let s): return .integer(s)
        case .link(let id): return .integer(id)
        case .list(let items): return .array(items.map { $0.json(context: context) })
        case .error(let e): return .string(e.code)
        }
    }
}

extension ValueText {
    /// `1:30`, `0:00:45`, `-0:15`, `27:00`.
    static func formatDuration(_ seconds: Int64) -> String {
        let m = seconds.magnitude
        var s = seconds < 0 ? "-" : ""
        s += String(m / 3600) + ":" + ValueText.pad(UInt(m / 60 % 60), 2)
        if m % 60 != 0 { s += ":" + ValueText.pad(UInt(m % 60), 2) }
        return s
    }
}

extension ValueText {
    /// `2026-11-20 10:30` in a zone, with seconds when present (never milliseconds: an instant
    /// prints to the second, as people read times), and the offset when the local time alone
    /// would not read back to this instant (a DST overlap).
    static func formatDatetime(_ instant: Instant, rules: TimeZoneRules) -> String {
        let t = instant.localTime(in: rules)
        var s = t.date.iso + " " + ValueText.formatTimeOfDay(t.secondsOfDay, millisecond: 0, alwaysSeconds: false)
        if !rules.isUTC {
            let local = t.date.daysSinceEpoch &* 86_400 &+ Int64(t.secondsOfDay)
            let second = CalendarMath.floorDiv(instant.millisecondsSinceEpoch, 1000)
            let candidates = rules.instants(ofLocalSecond: local)
            if candidates.count > 1 || candidates.first != second {
                s += ValueText.formatOffset(t.offsetSeconds)
            }
        }
        return s
    }
}
