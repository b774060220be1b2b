import Foundation
import TabulaEngine
import TabulaIO

/// Rows to add from a file (`add --file`), read by TabulaIO's `RowFileReader`.
enum RowFile {
    /// The rows and a label for each ("FILE:line N") for error messages.
    static func read(_ path: String) throws -> ([[TextAssignment]], [String]) {
        var reader = RowFileReader(text: try readFile(path), name: path)
        var rows: [[TextAssignment]] = []
        var labels: [String] = []
        do {
            while let row = try reader.next() {
                rows.append(row.cells.map { TextAssignment(field: $0.column, text: $0.text) })
                labels.append("\(path):\(row.line)")
            }
        } catch {
            throw CLIError(error.message, hint: error.hint)
        }
        return (rows, labels)
    }
}
