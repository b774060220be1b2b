/// One problem found in a source text: what is wrong, where, and how to fix it.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable { case error, warning }
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    public var hint: String?

    public init(_ message: String, at range: SourceRange, hint: String? = nil, severity: Severity = .error) {
        self.message = message; self.range = range; self.hint = hint; self.severity = severity
    }

    /// `file:line:column: error: message`, the source line, a caret under the spot, and the hint.
    public func render(in source: SourceText) -> String {
        let loc = range.start
        var out = "\(source.name):\(loc.line):\(loc.column): \(severity.rawValue): \(message)"
        let line = source.line(loc.line)
        if !line.isEmpty || source.lineStarts.count > 1 {
            out += "\n  " + line.replacingTabs()
            let width: Int
            if range.end.line == loc.line && range.end.offset > range.start.offset {
                width = range.end.column - loc.column
            } else { width = 1 }
            out += "\n  " + String(repeating: " ", count: max(0, loc.column - 1)) + "^"
                + String(repeating: "~", count: max(0, width - 1))
        }
        if let hint { out += "\n  hint: \(hint)" }
        return out
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }
}

/// The diagnostics of one source text, thrown as a single error when any of them is an error.
public struct SourceErrors: Error, Sendable, CustomStringConvertible {
    public let source: SourceText
    public let diagnostics: [Diagnostic]

    public init(source: SourceText, diagnostics: [Diagnostic]) {
        self.source = source
        self.diagnostics = diagnostics.sorted { $0.range.start < $1.range.start }
    }

    public var description: String {
        diagnostics.map { $0.render(in: source) }.joined(separator: "\n")
    }
}
