import TabulaEngine

/// The order of day, month and year in numeric dates that do not say (`11/02/2026`).
public enum ImportDateOrder: String, Sendable, CaseIterable, Codable {
    case dmy, mdy, ymd
}

/// Readers of the values exports write: dates in several orders, 12- and 24-hour times, decimal
/// hours with either decimal mark, durations as the trackers print them. Each returns nil for
/// text it cannot read; the caller says where and why.
enum ImportValues {
    /// Numeric date parts `(a, b, c)` as written, with the separator: `11/02/2026` is
    /// (11, 2, 2026, "/"); nil when the text is not three groups of digits.
    static func dateParts(_ text: String) -> (Int, Int, Int, Character)? {
        if let iso = isoDateParts(text) { return iso }
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let sep = t.first(where: { $0 == "-" || $0 == "/" || $0 == "." }) else { return nil }
        let parts = t.split(separator: sep, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) && $0.count <= 4 }),
              let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) else { return nil }
        return (a, b, c, sep)
    }

    /// `2026-11-02` read byte by byte: the common case, without splitting strings.
    private static func isoDateParts(_ text: String) -> (Int, Int, Int, Character)? {
        let utf8 = text.utf8
        guard utf8.count == 10 else { return nil }
        return utf8.withContiguousStorageIfAvailable { b -> (Int, Int, Int, Character)? in
            func digits(_ from: Int, _ count: Int) -> Int? {
                var n = 0
                for i in from..<(from + count) {
                    guard b[i] >= 48 && b[i] <= 57 else { return nil }
                    n = n * 10 + Int(b[i] - 48)
                }
                return n
            }
            guard b[4] == 45, b[7] == 45, let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2) else { return nil }
            return (y, m, d, "-")
        } ?? nil
    }

    /// A cell without the spaces around it; most cells have none, and are returned as they are.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        func plain(_ b: UInt8) -> Bool { b > 32 && b < 128 }
        return plain(first) && plain(last) ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A date: `2026-11-02` and `2016-8-1` (year first), `26.01.2015` (dotted: day first), and
    /// `11/02/2026` in the order given (a slashed date needs one).
    static func date(_ text: String, order: ImportDateOrder?) -> CivilDate? {
        guard let (a, b, c, sep) = dateParts(text) else { return nil }
        if a > 31 || String(text.trimmingCharacters(in: .whitespaces).prefix { $0.isASCIIDigit }).count == 4 {
            return CivilDate(year: a, month: b, day: c)
        }
        guard c >= 1000 else { return nil }
        switch sep == "." ? .dmy : order {
        case .dmy?: return CivilDate(year: c, month: b, day: a)
        case .mdy?: return CivilDate(year: c, month: a, day: b)
        default: return nil
        }
    }

    /// Whether a date needs an order to be read (day and month both 12 or less, not year first).
    static func isAmbiguous(_ text: String) -> Bool {
        guard let (a, b, c, sep) = dateParts(text), sep != ".", c >= 1000 else { return false }
        return a <= 12 && b <= 12 && a != b
    }

    /// A time of day in seconds: `14:33`, `09:15:00`, `9:15 AM`, `09:15:00 PM`, `12:00 AM` (midnight).
    static func time(_ text: String) -> Int? {
        if let plain = plainTime(text) { return plain }
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        var meridiem: String?
        for m in ["AM", "PM"] where t.hasSuffix(m) {
            meridiem = m
            t = String(t.dropLast(2)).trimmingCharacters(in: .whitespaces)
        }
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCIIDigit) }),
              var h = Int(parts[0]), let m = Int(parts[1]), m < 60 else { return nil }
        let s = parts.count == 3 ? Int(parts[2]) ?? 60 : 0
        guard s < 60 else { return nil }
        if let meridiem {
            guard (1...12).contains(h) else { return nil }
            if h == 12 { h = 0 }
            if meridiem == "PM" { h += 12 }
        }
        guard h < 24 || (h == 24 && m == 0 && s == 0) else { return nil }
        return h * 3600 + m * 60 + s
    }

    /// `9:15`, `09:15` or `09:15:00` read byte by byte: the common case, without splitting strings.
    private static func plainTime(_ text: String) -> Int? {
        let b = Array(text.utf8)
        func digit(_ i: Int) -> Int? { i < b.count && b[i] >= 48 && b[i] <= 57 ? Int(b[i] - 48) : nil }
        var i = 0
        guard var h = digit(0) else { return nil }
        i = 1
        if let d = digit(1) { h = h * 10 + d; i = 2 }
        guard i < b.count, b[i] == 58, let m1 = digit(i + 1), let m2 = digit(i + 2) else { return nil }
        let m = m1 * 10 + m2
        i += 3
        var s = 0
        if i < b.count {
            guard b[i] == 58, let s1 = digit(i + 1), let s2 = digit(i + 2), i + 3 == b.count else { return nil }
            s = s1 * 10 + s2
        }
        guard m < 60, s < 60, h < 24 || (h == 24 && m == 0 && s == 0) else { return nil }
        return h * 3600 + m * 60 + s
    }

    /// Whether a time is written on a 12-hour clock.
    static func isTwelveHour(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        return t.hasSuffix("AM") || t.hasSuffix("PM")
    }

    /// Decimal hours as seconds, exactly (rounded to the second): `7.5`, `"7,5"`, `"2.000,0"`,
    /// `2,000.5`, `0.01` (36 s). With both marks the last one is the decimal mark; a lone comma is one.
    static func hours(_ text: String) -> Int64? {
        var t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
            .replacingOccurrences(of: "\u{00A0}", with: "").replacingOccurrences(of: "'", with: "")
        guard !t.isEmpty else { return nil }
        let negative = t.hasPrefix("-")
        if negative { t.removeFirst() }
        // The decimal mark is the last comma or dot; any other comma or dot groups thousands.
        let mark = [t.lastIndex(of: ","), t.lastIndex(of: ".")].compactMap { $0 }.max()
        var integer = "", fraction = ""
        for i in t.indices {
            let ch = t[i]
            if i == mark { continue }
            if ch == "," || ch == "." {
                if let mark, i > mark { return nil }
                continue
            }
            guard ch.isASCIIDigit else { return nil }
            if let mark, i > mark { fraction.append(ch) } else { integer.append(ch) }
        }
        guard !(integer.isEmpty && fraction.isEmpty), integer.count <= 9, fraction.count <= 9,
              let whole = Int64(integer.isEmpty ? "0" : integer), let part = Int64(fraction.isEmpty ? "0" : fraction) else { return nil }
        var scale: Int64 = 1
        for _ in 0..<fraction.count { scale *= 10 }
        // Half up to the second: (part * 3600 + scale / 2) / scale.
        let seconds = whole * 3600 + (part * 3600 + scale / 2) / scale
        return negative ? -seconds : seconds
    }

    /// A duration as trackers print it: `02:30:30`, `1:30` (hours and minutes), `1.5 h`,
    /// `18:25 min` (minutes and seconds), `90 min`, `45 s`, or decimal hours.
    static func duration(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { return nil }
        for (suffix, unit) in [("min", Int64(60)), ("m", 60), ("sec", 1), ("s", 1), ("h", 3600)] where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            if number.contains(":") {
                // `18:25 min`: minutes and seconds.
                let parts = number.split(separator: ":")
                guard unit == 60, parts.count == 2, let m = Int64(parts[0]), let s = Int64(parts[1]), s < 60 else { return nil }
                return m * 60 + s
            }
            guard let hours = hours(number) else { return nil }
            // `hours` reads hours; scale to the unit, exactly for whole numbers.
            return unit == 3600 ? hours : (hours * unit + 1800) / 3600
        }
        if t.contains(":") {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
                  let h = Int64(parts[0]), let m = Int64(parts[1]), m < 60 else { return nil }
            let s = parts.count == 3 ? Int64(parts[2]) ?? 60 : 0
            guard s < 60 else { return nil }
            return h * 3600 + m * 60 + s
        }
        return hours(t)
    }

    /// A yes/no flag in the languages exports use; nil for an empty cell.
    static func flag(_ text: String) -> Bool?? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "": return .some(nil)
        case "yes", "y", "true", "1", "ja", "j", "да", "billable": return true
        case "no", "n", "false", "0", "nein", "нет", "non-billable", "not billable": return false
        default: return nil
        }
    }

    /// An amount and its currency as one text for reconciliation: `12.50 EUR`; nil for nothing.
    static func amount(_ text: String, currency: String?) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        // Harvest writes `Euro - EUR`: the code is the last word.
        let code = currency?.split(whereSeparator: { $0 == " " || $0 == "-" }).last.map(String.init) ?? ""
        return code.isEmpty ? t : "\(t) \(code)"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
