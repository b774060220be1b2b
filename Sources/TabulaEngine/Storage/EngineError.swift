import TabulaLanguage

/// An error a user can act on: what is wrong, and a hint saying how to fix it.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) { self.message = message; self.hint = hint }

    public var description: String {
        "error: \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}
