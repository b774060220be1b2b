import TabulaLanguage

/// What a compiled formula reads while it runs: the values of the paths it declared, by index.
/// The engine implements it over a loaded row (same-row fields) and the link indexes (paths).
public protocol FormulaInputs {
    /// The value at `CompiledFormula.paths[index]` for the row being computed.
    func value(_ index: Int) -> Value
    /// The clock of the command (`now()`, `today()`).
    var now: Instant { get }
    var context: ValueContext { get }
}

/// A formula checked against the schema and compiled to closures: no parsing per row.
public struct CompiledFormula: Sendable {
    /// The inferred result type.
    public let resultType: ValueType
    /// The field paths the formula reads: `[hours]` on the same row, `[project, client, name]` through single links.
    public let paths: [[FieldID]]
    /// True when the formula reads the clock (`now()`, `today()`): computed at read, never stored stale.
    public let isVolatile: Bool
    let body: @Sendable (any FormulaInputs) -> Value

    public init(resultType: ValueType, paths: [[FieldID]], isVolatile: Bool, body: @escaping @Sendable (any FormulaInputs) -> Value) {
        self.resultType = resultType; self.paths = paths; self.isVolatile = isVolatile; self.body = body
    }

    /// Evaluates the formula for one row. Never throws: errors are values.
    public func evaluate(_ inputs: any FormulaInputs) -> Value { body(inputs) }
}
