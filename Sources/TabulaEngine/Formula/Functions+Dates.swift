extension FormulaLibrary {
    static let dateFunctions: [FormulaFunction] = []
}
