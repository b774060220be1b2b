import Foundation

/// The rules of one IANA time zone (`Europe/Berlin`): its UTC offset at any instant, and the
/// mapping from local wall-clock time back to instants across DST gaps and overlaps.
///
/// Wraps Foundation's `TimeZone`. Instances come from a process-wide cache keyed by identifier,
/// so asking for the base's zone on every value is cheap.
public struct TimeZoneRules: Sendable, Hashable {
    /// The identifier as asked for (`Europe/Berlin`, `UTC`).
    public let identifier: String
    let zone: TimeZone
    /// Offsets already asked for, by quarter hour (shared by every copy of these rules).
    private let offsets: CacheBox<[Int64: Int32]>

    /// The rules of a zone, or nil when the identifier is unknown. Identifiers are case-sensitive,
    /// as in the IANA database.
    public init?(identifier: String) {
        if let cached = TimeZoneRules.cache.withLock({ $0[identifier] }) {
            self = cached
            return
        }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        let rules = TimeZoneRules(identifier: identifier, zone: zone)
        TimeZoneRules.cache.withLock { $0[identifier] = rules }
        self = rules
    }

    private init(identifier: String, zone: TimeZone) {
        self.identifier = identifier; self.zone = zone; self.offsets = CacheBox([:])
    }

    /// Coordinated Universal Time.
    public static let utc = TimeZoneRules(identifier: "UTC", zone: TimeZone(secondsFromGMT: 0)!)

    /// The rules of a zone, falling back to UTC for an unknown identifier. Zones are validated
    /// when a base's schema loads, so the fallback only guards against a corrupted setting.
    public static func named(_ identifier: String) -> TimeZoneRules {
        TimeZoneRules(identifier: identifier) ?? .utc
    }

    /// Whether Foundation knows the zone.
    public static func isValid(_ identifier: String) -> Bool {
        TimeZoneRules(identifier: identifier) != nil
    }

    /// Whether the zone is UTC itself (not merely at offset zero, as London is in winter).
    /// ISO 8601 output writes such a zone's offset as `Z`.
    public var isUTC: Bool {
        TimeZoneRules.utcNames.contains(identifier)
    }

    static let utcNames: Set<String> = [
        "UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Etc/Universal",
        "Zulu", "Etc/Zulu", "GMT0", "Etc/GMT0", "GMT+0", "Etc/GMT+0", "GMT-0", "Etc/GMT-0", "Greenwich", "Etc/Greenwich",
    ]

    /// The offset from UTC, in seconds east of Greenwich, in effect at an instant.
    public func offset(at instant: Instant) -> Int {
        if isUTC { return 0 }
        let seconds = CalendarMath.floorDiv(instant.millisecondsSinceEpoch, 1000)
        return offset(atSecond: seconds)
    }

    func offset(atSecond seconds: Int64) -> Int {
        // Since 1973 every offset change of the tz database falls on a quarter hour of UTC, so
        // one lookup answers for its whole quarter hour. Earlier instants ask the zone each time.
        guard seconds >= 94_694_400 else { return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))) }
        let quarter = seconds / 900
        if let known = offsets.withLock({ $0[quarter] }) { return Int(known) }
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(quarter * 900)))
        offsets.withLock { cache in
            if cache.count > 200_000 { cache.removeAll(keepingCapacity: true) }
            cache[quarter] = Int32(offset)
        }
        return offset
    }

    /// The instants (whole seconds since the epoch) at which a local wall-clock second happens:
    /// one normally, two in an overlap (earlier first), none in a gap.
    func instants(ofLocalSecond local: Int64) -> [Int64] {
        if isUTC { return [local] }
        // Fast path: the same offset a day either side means no transition is near.
        let before = offset(atSecond: local - 86_400)
        if before == offset(atSecond: local + 86_400), offset(atSecond: local - Int64(before)) == before {
            return [local - Int64(before)]
        }
        // Offsets in effect a day either side bracket any single transition around `local`.
        var offsets: [Int] = []
        for probe in [local - 86_400, local + 86_400, local] {
            let o = offset(atSecond: probe)
            if !offsets.contains(o) { offsets.append(o) }
            let o2 = offset(atSecond: probe - Int64(o))
            if !offsets.contains(o2) { offsets.append(o2) }
        }
        var result: [Int64] = []
        for o in offsets {
            let t = local - Int64(o)
            if offset(atSecond: t) == o, !result.contains(t) { result.append(t) }
        }
        return result.sorted()
    }

    /// The instant (whole seconds) of a local wall-clock second under Tabula's rules:
    /// in a gap, the local time moves forward by the gap's length (02:30 in a spring-forward gap
    /// from 02:00 to 03:00 becomes 03:30); in an overlap, the earlier of the two instants.
    func instant(ofLocalSecond local: Int64) -> Int64 {
        let candidates = instants(ofLocalSecond: local)
        if let first = candidates.first { return first }
        // A gap: read the time with the offset in effect before the transition, which lands the
        // same distance past the transition as the wall time lies past the gap's start.
        let before = offset(atSecond: local - 86_400)
        return local - Int64(before)
    }

    public static func == (a: TimeZoneRules, b: TimeZoneRules) -> Bool { a.identifier == b.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    private static let cache = CacheBox<[String: TimeZoneRules]>([:])
}

/// A value guarded by a lock, for process-wide caches.
final class CacheBox<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
}

extension Instant: CustomStringConvertible {
    /// The instant at which a local date and time of day happens in a zone.
    ///
    /// Wall-clock times that a DST change skips (Berlin, 2026-03-29 02:30) move forward by the
    /// gap's length, to 03:30 CEST, as most calendar applications do. Times that happen twice
    /// (Berlin, 2026-10-25 02:30) take the earlier instant, the one still in summer time.
    /// An unknown zone is read as UTC.
    ///
    /// - Parameters:
    ///   - secondsOfDay: 0..<86400; values outside carry into neighbouring days.
    ///   - millisecond: 0..<1000, added to the resolved instant.
    public init(date: CivilDate, secondsOfDay: Int, millisecond: Int = 0, timeZone: String) {
        self.init(date: date, secondsOfDay: secondsOfDay, millisecond: millisecond, rules: .named(timeZone))
    }

    /// The instant of a local date and time in a zone; see `init(date:secondsOfDay:millisecond:timeZone:)`.
    public init(date: CivilDate, secondsOfDay: Int, millisecond: Int = 0, rules: TimeZoneRules) {
        let local = date.daysSinceEpoch &* 86_400 &+ Int64(secondsOfDay)
        let seconds = rules.instant(ofLocalSecond: local)
        self.init(millisecondsSinceEpoch: seconds &* 1000 &+ Int64(millisecond))
    }

    /// The instant at a fixed UTC offset (seconds east), as in `2026-11-20T10:30+01:00`.
    public init(date: CivilDate, secondsOfDay: Int, millisecond: Int = 0, offsetSeconds: Int) {
        let local = date.daysSinceEpoch &* 86_400 &+ Int64(secondsOfDay)
        self.init(millisecondsSinceEpoch: (local &- Int64(offsetSeconds)) &* 1000 &+ Int64(millisecond))
    }

    /// The local date, time of day and offset at which this instant is seen in a zone.
    public func localTime(in zone: String) -> (date: CivilDate, secondsOfDay: Int, millisecond: Int, offsetSeconds: Int) {
        localTime(in: .named(zone))
    }

    /// The local date, time of day and offset at which this instant is seen in a zone.
    public func localTime(in rules: TimeZoneRules) -> (date: CivilDate, secondsOfDay: Int, millisecond: Int, offsetSeconds: Int) {
        let seconds = CalendarMath.floorDiv(millisecondsSinceEpoch, 1000)
        let ms = Int(CalendarMath.floorMod(millisecondsSinceEpoch, 1000))
        let offset = rules.isUTC ? 0 : rules.offset(atSecond: seconds)
        let local = seconds &+ Int64(offset)
        return (CivilDate(daysSinceEpoch: CalendarMath.floorDiv(local, 86_400)), Int(CalendarMath.floorMod(local, 86_400)), ms, offset)
    }

    /// The local calendar day of this instant in a zone.
    public func civilDate(in zone: String) -> CivilDate { localTime(in: zone).date }

    /// The instant `seconds` later (earlier when negative).
    public func adding(seconds: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch &+ seconds &* 1000)
    }

    /// The instant `milliseconds` later (earlier when negative).
    public func adding(milliseconds: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch &+ milliseconds)
    }

    /// ISO 8601 in a zone: `2026-11-20T10:30:00+01:00`; `Z` for a UTC zone; `.123` only when the
    /// millisecond is not zero. Historic offsets with seconds are written `+00:53:28`.
    public func iso8601(in zone: String) -> String {
        let rules = TimeZoneRules.named(zone)
        let t = localTime(in: rules)
        var s = t.date.iso + "T" + ValueText.formatTimeOfDay(t.secondsOfDay, millisecond: t.millisecond, alwaysSeconds: true)
        s += rules.isUTC ? "Z" : ValueText.formatOffset(t.offsetSeconds)
        return s
    }

    /// ISO 8601 in UTC: `2026-11-20T09:30:00Z`.
    public var description: String { iso8601(in: "UTC") }
}

extension ValueText {
    /// `10:30`, `10:30:15`, `10:30:15.250` (seconds shown when not zero, or always if asked).
    static func formatTimeOfDay(_ secondsOfDay: Int, millisecond: Int, alwaysSeconds: Bool) -> String {
        let h = secondsOfDay / 3600, m = secondsOfDay / 60 % 60, sec = secondsOfDay % 60
        var s = ValueText.pad(UInt(h), 2) + ":" + ValueText.pad(UInt(m), 2)
        if alwaysSeconds || sec != 0 || millisecond != 0 { s += ":" + ValueText.pad(UInt(sec), 2) }
        if millisecond != 0 { s += "." + ValueText.pad(UInt(millisecond), 3) }
        return s
    }
}

extension ValueText {
    /// `+01:00`, `-05:30`, `+00:53:28`.
    static func formatOffset(_ offset: Int) -> String {
        let a = offset.magnitude
        var s = (offset < 0 ? "-" : "+") + ValueText.pad(a / 3600, 2) + ":" + ValueText.pad(a / 60 % 60, 2)
        if a % 60 != 0 { s += ":" + ValueText.pad(a % 60, 2) }
        return s
    }
}
