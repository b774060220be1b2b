import TabulaLanguage

extension Base {
    /// The path that `create(at:...)` takes as "no file": SQLite's private in-memory database.
    public static let inMemoryPath = ":memory:"

    /// Creates a base that lives in memory only (the REPL's scratch base): the same storage, schema
    /// and history as a file base, gone when it is closed. `isInMemory` is true for it.
    public static func createInMemory(schemaSource: String = "", sourceName: String = "<memory>",
                                      actor: String, now: @escaping @Sendable () -> Instant = Base.systemClock,
                                      reportChecker: (any SavedReportChecking)? = nil) throws -> Base {
        try create(at: inMemoryPath, schemaSource: schemaSource, sourceName: sourceName, actor: actor, now: now,
                   reportChecker: reportChecker)
    }

    /// True for a base made by `createInMemory`.
    public var isInMemory: Bool { path == Base.inMemoryPath }
}
