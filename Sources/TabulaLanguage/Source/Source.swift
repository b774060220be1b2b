/// A text being parsed: a schema file, a formula typed on the command line, a report query.
/// It knows its display name (a path or `<where>`) so diagnostics can say where they point.
public struct SourceText: Sendable, Hashable {
    public let name: String
    public let text: String
    /// Offsets (in Unicode scalars) where each line starts.
    public let lineStarts: [Int]
    public let scalars: [Unicode.Scalar]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        let scalars = Array(text.unicodeScalars)
        self.scalars = scalars
        var starts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The text of a 1-based line, without its line break.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : scalars.count
        if end > start, end - 1 < scalars.count, scalars[end - 1] == "\r" { end -= 1 }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<max(start, end)])
        return String(s)
    }

    /// The location of a scalar offset.
    public func location(of offset: Int) -> SourceLocation {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourceLocation(offset: offset, line: lo + 1, column: offset - lineStarts[lo] + 1)
    }

    /// The source text covered by a range.
    public func slice(_ range: SourceRange) -> String {
        let a = max(0, min(range.start.offset, scalars.count)), b = max(a, min(range.end.offset, scalars.count))
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[a..<b])
        return String(s)
    }
}

/// A point in a source text: scalar offset, 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable {
    public var offset: Int
    public var line: Int
    public var column: Int
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset; self.line = line; self.column = column
    }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.offset < b.offset }
    public static let start = SourceLocation(offset: 0, line: 1, column: 1)
}

/// A half-open span of a source text.
public struct SourceRange: Sendable, Hashable, Codable {
    public var start: SourceLocation
    public var end: SourceLocation
    public init(start: SourceLocation, end: SourceLocation) { self.start = start; self.end = end }
    public init(_ location: SourceLocation) { self.start = location; self.end = location }
    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }
    public static let none = SourceRange(.start)
}
