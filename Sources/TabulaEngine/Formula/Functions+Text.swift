extension FormulaLibrary {
    static let textFunctions: [FormulaFunction] = []
}
