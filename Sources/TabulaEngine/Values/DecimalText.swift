// Reading and writing decimal numbers as text, shared by number, integer, percent and currency.
//
// The reading grammar, after an optional sign (`-`, `+` or the minus sign U+2212):
// - Digits, with at most one decimal separator and optional thousands separators in the
//   integer part.
// - Spaces (ordinary, no-break U+00A0, thin U+2009, narrow no-break U+202F) and apostrophes
//   (`1'500`) are always thousands separators.
// - When both `.` and `,` occur, the one that comes last is the decimal separator and the other
//   groups thousands: `1,500.50` and `1.500,50` both mean 1500.5.
// - Several of the same (`1,000,000`, `1.000.000`) are thousands separators.
// - A single `.` is the decimal separator.
// - A single `,` is the decimal separator, except the ambiguous `1,500`: a lone comma after
//   one to three digits (not a leading zero), followed by exactly three digits, with no other
//   separator in the text, groups thousands. So `1,500` = 1500 but `1,5`, `0,500` and
//   `1 500,500` have a decimal comma.
// - Thousands groups must be well formed: 1–3 digits first, then exactly three per group.
// - An exponent (`1e3`, `2.5E-4`) only where the caller allows it (number, percent).

/// A decimal number as written: sign, digits and a power of ten, not yet converted.
struct DecimalLiteral: Equatable {
    var negative: Bool
    /// Digits before the decimal separator (may be empty, as in `.5`).
    var integerDigits: [UInt8]
    /// Digits after the decimal separator.
    var fractionDigits: [UInt8]
    /// The written exponent (`e3` → 3), 0 when none.
    var exponent: Int

    /// An ASCII form that Swift's correctly rounded `Double(_:)` reads, with `shift` added to the
    /// exponent (percent reads `15` as `15e-2`).
    func asciiForDouble(shift: Int = 0) -> String {
        var s = negative ? "-" : ""
        s += integerDigits.isEmpty ? "0" : String(integerDigits.map { Character(Unicode.Scalar($0 + 48)) })
        if !fractionDigits.isEmpty {
            s += "." + String(fractionDigits.map { Character(Unicode.Scalar($0 + 48)) })
        }
        let e = exponent + shift
        if e != 0 { s += "e\(e)" }
        return s
    }

    /// The value as a Double, or nil when it overflows to infinity.
    func double(shift: Int = 0) -> Double? {
        guard let d = Double(asciiForDouble(shift: shift)), d.isFinite else { return nil }
        return d
    }
}

/// Why a text is not a decimal number; the caller words the message for its type.
enum DecimalProblem: Error, Equatable {
    case noDigits
    case unexpected(Character)
    case badGrouping
    case twoDecimalSeparators
    case exponentNotAllowed
    case badExponent
}

extension DecimalProblem {
    /// A clause to append after "expected ..., got ...".
    var detail: String? {
        switch self {
        case .noDigits: return nil
        case .unexpected(let c): return "unexpected \"\(c)\""
        case .badGrouping: return "thousands groups must have three digits"
        case .twoDecimalSeparators: return "more than one decimal separator"
        case .exponentNotAllowed: return "an exponent is not allowed here"
        case .badExponent: return "bad exponent"
        }
    }
}

private let decimalPunctuation: Set<Character> = [".", ",", "e", "E", "+", "-", "\u{2212}"]
private let groupSpaces: Set<Character> = [" ", "\u{00A0}", "\u{2009}", "\u{202F}", "'", "\u{2019}"]

extension ValueText {
    /// Parses a decimal number by the grammar above. `text` must be trimmed.
    static func parseDecimalLiteral(_ text: Substring, allowExponent: Bool) -> Result<DecimalLiteral, DecimalProblem> {
        var chars = Array(text)
        var negative = false
        if let first = chars.first, first == "-" || first == "+" || first == "\u{2212}" {
            negative = first != "+"
            chars.removeFirst()
        }
            if let bad = chars.first(where: { !($0.isASCII && $0.isNumber) && !decimalPunctuation.contains($0) && !groupSpaces.contains($0) }) {
            return .failure(.unexpected(bad))
        }
        // Split off an exponent.
        var exponent = 0
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard allowExponent else { return .failure(.exponentNotAllowed) }
            var expChars = chars[(e + 1)...]
            var expNegative = false
            if let s = expChars.first, s == "-" || s == "+" || s == "\u{2212}" {
                expNegative = s != "+"; expChars = expChars.dropFirst()
            }
            guard !expChars.isEmpty, expChars.count <= 6, expChars.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(.badExponent)
            }
            exponent = Int(String(expChars))! * (expNegative ? -1 : 1)
            chars.removeSubrange(e...)
        }
        // Classify every character.
        var dots = 0, commas = 0, spaces = 0
        for c in chars {
            if c.isASCII && c.isNumber { continue }
            if c == "." { dots += 1 } else if c == "," { commas += 1 } else if groupSpaces.contains(c) { spaces += 1 }
            else { return .failure(.unexpected(c)) }
        }
        // Decide which character separates the decimals.
        var decimal: Character? = nil
        if dots > 0 && commas > 0 {
            let lastDot = chars.lastIndex(of: ".")!, lastComma = chars.lastIndex(of: ",")!
            decimal = lastDot > lastComma ? "." : ","
            if (decimal == "." ? dots : commas) > 1 { return .failure(.twoDecimalSeparators) }
        } else if dots == 1 {
            decimal = "."
        } else if commas == 1 {
            let i = chars.firstIndex(of: ",")!
            let before = chars[..<i], after = chars[(i + 1)...]
            let groupsThousands = spaces == 0 && after.count == 3 && (1...3).contains(before.count) && before.first != "0"
            decimal = groupsThousands ? nil : ","
        }
        let integerPart: ArraySlice<Character>, fractionPart: ArraySlice<Character>
        if let decimal, let i = chars.firstIndex(of: decimal) {
            integerPart = chars[..<i]; fractionPart = chars[(i + 1)...]
        } else {
            integerPart = chars[...]; fractionPart = []
        }
        guard fractionPart.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            if let bad = fractionPart.first(where: { !($0.isASCII && $0.isNumber) }), bad == "." || bad == "," {
                return .failure(.twoDecimalSeparators)
            }
            return .failure(.badGrouping)
        }
        // Thousands groups: 1–3 digits, then exactly three per group.
        var integerDigits: [UInt8] = []
        var groupLength = 0, groups = 0
        for c in integerPart {
            if c.isASCII && c.isNumber {
                integerDigits.append(UInt8(c.asciiValue! - 48)); groupLength += 1
            } else {
                if groupLength == 0 || (groups == 0 ? groupLength > 3 : groupLength != 3) { return .failure(.badGrouping) }
                groups += 1; groupLength = 0
            }
        }
        if groups > 0 && groupLength != 3 { return .failure(.badGrouping) }
        let fractionDigits = fractionPart.map { UInt8($0.asciiValue! - 48) }
        if integerDigits.isEmpty && fractionDigits.isEmpty { return .failure(.noDigits) }
        return .success(DecimalLiteral(negative: negative, integerDigits: integerDigits,
                                       fractionDigits: fractionDigits, exponent: exponent))
    }
}

// MARK: - Writing

/// A finite Double as its shortest round-tripping digits: value = digits × 10^exponent,
/// with no leading or trailing zeros in `digits` (empty for zero).
struct ShortestDecimal {
    var negative: Bool
    var digits: [UInt8]
    var exponent: Int

    init(_ value: Double) {
        precondition(value.isFinite)
        negative = value.sign == .minus && value != 0
        // Swift's description is the shortest representation that reads back to the same Double.
        let text = value.magnitude.description
        var mantissa = Substring(text), exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            var expText = text[text.index(after: e)...]
            if expText.first == "+" { expText = expText.dropFirst() }
            exp = Int(expText)!
        }
        var digits: [UInt8] = []
        var fractionCount = 0, seenPoint = false
        for c in mantissa {
            if c == "." { seenPoint = true; continue }
            digits.append(UInt8(c.asciiValue! - 48))
            if seenPoint { fractionCount += 1 }
        }
        exp -= fractionCount
        while let f = digits.first, f == 0 { digits.removeFirst() }
        while let l = digits.last, l == 0 { digits.removeLast(); exp += 1 }
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exp
    }

    /// Plain notation when the decimal point falls within a readable range (as JavaScript
    /// does: 1e-7 < |x| < 1e21), otherwise `1.5e+21` / `1e-7`. `shift` moves the point right.
    func text(shift: Int = 0) -> String {
        guard !digits.isEmpty else { return "0" }
        let d = digits.map { Character(Unicode.Scalar($0 + 48)) }
        let e = exponent + shift
        let n = d.count
        let point = n + e                                      // digits before the decimal point
        var s = negative ? "-" : ""
        if point > -6 && point <= 21 {
            if e >= 0 {
                s += String(d) + String(repeating: "0", count: e)
            } else if point > 0 {
                s += String(d[..<point]) + "." + String(d[point...])
            } else {
                s += "0." + String(repeating: "0", count: -point) + String(d)
            }
        } else {
            s += String(d[0])
            if n > 1 { s += "." + String(d[1...]) }
            let x = point - 1
            s += "e" + (x >= 0 ? "+" : "-") + String(x.magnitude)
        }
        return s
    }
}

extension ValueText {
    /// The shortest text that reads back to the same Double: `1500`, `0.1`, `1e+21`.
    /// Non-finite numbers (never a stored value) are written `NaN`, `Infinity`, `-Infinity`.
    static func formatNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return ShortestDecimal(value).text()
    }
}

extension ValueText {
    /// A fraction as percent points: 0.125 → `12.5%`. Exact: the digits of the fraction's shortest
    /// form with the point moved two places, so reading it back gives the same Double.
    static func formatPercent(_ value: Double) -> String {
        if !value.isFinite { return ValueText.formatNumber(value) + "%" }
        return ShortestDecimal(value).text(shift: 2) + "%"
    }
}

/// A namespace for the value parsers' and formatters' shared helpers.
enum ValueText {}
