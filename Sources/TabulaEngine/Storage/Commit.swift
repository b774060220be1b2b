extension Base {
    /// Runs at the end of every command, inside its transaction: brings computed fields up to
    /// date for everything the command touched.
    func finishCommand() throws {
        try runRowRules()
        guard let changes = pending, !changes.isEmpty else { return }
        try recompute(changes)
        try checkLocksAfterWrites(changes)
        try checkRowsAfterWrites(pending ?? changes)
    }
}
