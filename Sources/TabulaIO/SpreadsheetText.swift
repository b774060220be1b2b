/// Text cells that a spreadsheet would read as a formula (OWASP "CSV injection"): a note such as
/// `=HYPERLINK("http://...")` must open as the text it is. A text cell that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return is written with a leading single quote and quoted.
///
/// The decision is by the cell's type, never its text: a number, an amount of money or a
/// duration (`-1.5`, `-0:30`) is written as it is, so it stays a number in the sheet.
public enum SpreadsheetText {
    /// The first characters a spreadsheet takes as the start of a formula.
    public static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Whether a text cell would be read as a formula.
    public static func looksLikeFormula(_ text: String) -> Bool {
        // `\r\n` is one Character in Swift; look at the first scalar.
        guard let first = text.unicodeScalars.first else { return false }
        return formulaStarts.contains(Character(first))
    }

    /// The text as a spreadsheet shows it as text: with a leading `'` when it would be a formula.
    public static func neutralized(_ text: String) -> String {
        looksLikeFormula(text) ? "'" + text : text
    }
}
