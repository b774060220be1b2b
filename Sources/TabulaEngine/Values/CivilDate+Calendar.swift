// The proleptic Gregorian calendar on `CivilDate`, computed from `daysSinceEpoch` with
// Howard Hinnant's days-from-civil / civil-from-days algorithms: no Foundation Calendar, no time zone.

/// Calendar arithmetic helpers: division that rounds toward negative infinity.
enum CalendarMath {
    /// Integer division rounding toward negative infinity.
    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The remainder of `floorDiv`: always in `0..<b` for a positive `b`.
    @inline(__always)
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        let r = a % b
        return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
    }
}

extension CivilDate: CustomStringConvertible {
    /// The years that dates are typed and shown in (ISO 8601's four-digit years).
    ///
    /// A `CivilDate` may hold any day; ones outside this range are shown in ISO 8601's expanded
    /// form (`+10000-01-01`, `-0001-12-31`), which `init?(iso:)` reads back too.
    public static let supportedYears: ClosedRange<Int> = 1...9999

    /// The first and last day of `supportedYears`: 0001-01-01 ... 9999-12-31.
    public static let supportedRange: ClosedRange<CivilDate> =
        CivilDate(daysSinceEpoch: daysFromCivil(1, 1, 1))...CivilDate(daysSinceEpoch: daysFromCivil(9999, 12, 31))

    /// Whether the date lies within `supportedRange`. Formula functions that build dates check it.
    public var isSupported: Bool { CivilDate.supportedRange.contains(self) }

    /// The date of a year, month (1...12) and day (1...days in that month), or nil when there is
    /// no such day. Years are those of the proleptic Gregorian calendar (year 0 is 1 BC), limited
    /// to ±1,000,000 so that arithmetic never overflows.
    public init?(year: Int, month: Int, day: Int) {
        guard (-1_000_000...1_000_000).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        self.init(daysSinceEpoch: CivilDate.daysFromCivil(Int64(year), Int64(month), Int64(day)))
    }

    /// Days since 1970-01-01 of a valid year, month and day.
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = CalendarMath.floorDiv(y, 400)
        let yoe = y - era * 400                                         // [0, 399]
        let mp = month > 2 ? month - 3 : month + 9                      // March = 0
        let doy = (153 * mp + 2) / 5 + day - 1                          // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy                 // [0, 146096]
        return era * 146_097 + doe - 719_468
    }

    /// The year, month and day of the date.
    ///
    /// Wrapping arithmetic keeps this total for every `daysSinceEpoch`; results are meaningful
    /// for years within ±25 quadrillion, far past any date a base holds.
    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch &+ 719_468
        let era = CalendarMath.floorDiv(z, 146_097)
        let doe = z &- era &* 146_097                                   // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365 // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)               // [0, 365]
        let mp = (5 * doy + 2) / 153                                    // [0, 11]
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = (yoe &+ era &* 400) &+ (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// The year (proleptic Gregorian; 0 is 1 BC).
    public var year: Int { components.year }
    /// The month, 1 = January ... 12 = December.
    public var month: Int { components.month }
    /// The day of the month, 1...31.
    public var day: Int { components.day }

    /// The ISO 8601 weekday: 1 = Monday ... 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        Int(CalendarMath.floorMod(daysSinceEpoch &+ 3, 7)) + 1
    }

    /// The day of the year, 1...366.
    public var dayOfYear: Int {
        let c = components
        return Int(daysSinceEpoch - CivilDate.daysFromCivil(Int64(c.year), 1, 1)) + 1
    }

    /// The ISO 8601 week-numbering year and week (1...53). Weeks start on Monday, and week 1 is
    /// the one holding the year's first Thursday: 2021-01-03 is in 2020-W53.
    public var isoWeek: (year: Int, week: Int) {
        let thursday = CivilDate(daysSinceEpoch: daysSinceEpoch &- Int64(weekday - 1) &+ 3)
        return (thursday.year, (thursday.dayOfYear - 1) / 7 + 1)
    }

    /// The quarter of the year, 1...4.
    public var quarter: Int { (month - 1) / 3 + 1 }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int64) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch &+ days)
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> CivilDate { adding(days: Int64(days)) }

    /// The same day `months` later, clamped to the end of a shorter month:
    /// 2026-01-31 + 1 month = 2026-02-28, 2024-01-31 + 1 month = 2024-02-29.
    public func adding(months: Int) -> CivilDate {
        let c = components
        let total = Int64(c.year) &* 12 &+ Int64(c.month - 1) &+ Int64(months)
        let year = CalendarMath.floorDiv(total, 12)
        let month = CalendarMath.floorMod(total, 12) + 1
        let day = min(Int64(c.day), Int64(CivilDate.daysInMonth(year: Int(year), month: Int(month))))
        return CivilDate(daysSinceEpoch: CivilDate.daysFromCivil(year, month, day))
    }

    /// The same day `years` later; February 29 becomes February 28 in a common year.
    public func adding(years: Int) -> CivilDate { adding(months: years &* 12) }

    /// The first day of the date's month.
    public var monthStart: CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch - Int64(day - 1)) }

    /// The last day of the date's month.
    public var monthEnd: CivilDate {
        let c = components
        return CivilDate(daysSinceEpoch: daysSinceEpoch + Int64(CivilDate.daysInMonth(year: c.year, month: c.month) - c.day))
    }

    /// The first day of the date's quarter.
    public var quarterStart: CivilDate {
        let c = components
        return CivilDate(daysSinceEpoch: CivilDate.daysFromCivil(Int64(c.year), Int64((c.month - 1) / 3 * 3 + 1), 1))
    }

    /// The first day of the date's year.
    public var yearStart: CivilDate {
        CivilDate(daysSinceEpoch: CivilDate.daysFromCivil(Int64(year), 1, 1))
    }

    /// The Monday that starts the date's ISO week.
    public var weekStart: CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch - Int64(weekday - 1)) }

    /// The number of days in a month (1...12) of a year; 0 for a month out of range.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeap(year) ? 29 : 28
        default: return 0
        }
    }

    /// Whether a year of the proleptic Gregorian calendar has a February 29.
    public static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The ISO 8601 form, `2026-11-20`. Years outside 0...9999 take a sign and at least four
    /// digits (`+10000-01-01`, `-0001-12-31`), ISO 8601's expanded form.
    public var iso: String {
        let c = components
        var s: String
        if c.year < 0 {
            s = "-" + ValueText.pad(c.year.magnitude, 4)
        } else if c.year > 9999 {
            s = "+" + ValueText.pad(UInt(c.year), 4)
        } else {
            s = ValueText.pad(UInt(c.year), 4)
        }
        s += "-" + ValueText.pad(UInt(c.month), 2) + "-" + ValueText.pad(UInt(c.day), 2)
        return s
    }

    /// The ISO 8601 form, `2026-11-20`.
    public var description: String { iso }

    /// Reads `YYYY-MM-DD` (and the expanded `±YYYYY-MM-DD` that `iso` writes); nil for anything
    /// else, including a day that does not exist (2026-02-30). Surrounding whitespace is ignored.
    public init?(iso text: String) {
        guard case .success(let date) = CivilDate.parseISO(Substring(text).trimmingWhitespace()) else { return nil }
        self = date
    }

    /// Why a text is not an ISO date.
    enum ISOFailure: Error { case syntax, noSuchDay(year: Int, month: Int) }

    /// Reads `YYYY-MM-DD` or `±YYYYY-MM-DD` exactly (no surrounding text).
    static func parseISO(_ s: Substring) -> Result<CivilDate, ISOFailure> {
        var scanner = ValueScanner(s)
        guard let date = scanner.scanDate(), scanner.isAtEnd else {
            // Tell a well-formed but impossible day apart from a syntax error.
            var again = ValueScanner(s)
            if let parts = again.scanDateParts(), again.isAtEnd, (1...12).contains(parts.month) {
                return .failure(.noSuchDay(year: parts.year, month: parts.month))
            }
            return .failure(.syntax)
        }
        return .success(date)
    }
}

extension ValueText {
    /// Left-pads a number with zeros to `width` digits.
    static func pad(_ n: UInt, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// A small forward scanner over the Unicode scalars of a substring, used by the value parsers.
struct ValueScanner {
    private let scalars: [Unicode.Scalar]
    private(set) var position = 0

    init(_ s: Substring) { scalars = Array(s.unicodeScalars) }

    var isAtEnd: Bool { position >= scalars.count }
    var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
    var rest: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[min(position, scalars.count)...])
        return String(s)
    }

    mutating func advance() { position += 1 }

    /// Consumes `c` if it is next.
    mutating func eat(_ c: Unicode.Scalar) -> Bool {
        if peek == c { position += 1; return true }
        return false
    }

    /// Consumes any of `set` if it is next and returns it.
    mutating func eat(anyOf set: Set<Unicode.Scalar>) -> Unicode.Scalar? {
        if let c = peek, set.contains(c) { position += 1; return c }
        return nil
    }

    /// Consumes ASCII digits; returns them (possibly empty).
    mutating func digits(max: Int = .max) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < max, let c = peek, c.isASCIIDigit {
            out.append(UInt8(c.value - 48)); position += 1
        }
        return out
    }

    /// Consumes whitespace.
    mutating func skipSpaces() {
        while let c = peek, c.properties.isWhitespace { position += 1 }
    }

    /// Reads a fixed number of digits as an integer, or nil (consuming nothing) when absent.
    mutating func fixedDigits(_ count: Int) -> Int? {
        let start = position
        let d = digits(max: count)
        guard d.count == count else { position = start; return nil }
        return d.reduce(0) { $0 * 10 + Int($1) }
    }

    /// `YYYY-MM-DD` or `±Y{4,7}-MM-DD`, without checking the day against the month.
    mutating func scanDateParts() -> (year: Int, month: Int, day: Int)? {
        let start = position
        var year: Int
        if let sign = eat(anyOf: ["+", "-"]) {
            let d = digits(max: 7)
            guard d.count >= 4, d.count <= 6, peek?.isASCIIDigit != true else { position = start; return nil }
            year = d.reduce(0) { $0 * 10 + Int($1) }
            if sign == "-" { year = -year }
        } else {
            guard let y = fixedDigits(4), peek?.isASCIIDigit != true else { position = start; return nil }
            year = y
        }
        guard eat("-"), let month = fixedDigits(2), eat("-"), let day = fixedDigits(2),
              peek?.isASCIIDigit != true else { position = start; return nil }
        return (year, month, day)
    }

    /// A valid date in `YYYY-MM-DD` or expanded form.
    mutating func scanDate() -> CivilDate? {
        let start = position
        guard let p = scanDateParts(), let date = CivilDate(year: p.year, month: p.month, day: p.day) else {
            position = start; return nil
        }
        return date
    }
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { value >= 48 && value <= 57 }
    var isASCIILetter: Bool { (value >= 65 && value <= 90) || (value >= 97 && value <= 122) }
}

extension Substring {
    /// The substring without leading and trailing whitespace (Unicode White_Space).
    func trimmingWhitespace() -> Substring {
        var s = self
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return s
    }
}
