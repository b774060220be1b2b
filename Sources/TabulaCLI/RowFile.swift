import Foundation
import TabulaEngine
import TabulaIO
import TabulaLanguage

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
            // The file's contents are wrong, not the command line: a refusal (exit 1).
            throw EngineError(.invalidValue, error.message, hint: error.hint)
        }
        return (rows, labels)
    }

    /// Whether a file is read as JSON lines (by its extension) rather than CSV.
    static func isJSONLines(_ path: String) -> Bool { RowFileFormat.of(fileNamed: path) == .jsonLines }

    /// Refuses a column that names no field of the table, or a computed one, at `label`
    /// (the header's line for CSV), listing the fields a file can write.
    static func checkColumns(_ names: [String], of table: Table, at label: String) throws {
        let writable = table.fields.filter(\.isWritable).map(\.name)
        for name in names where table.field(named: name) == nil || !(table.field(named: name)!.isWritable) {
            let known = table.field(named: name) != nil
            throw EngineError(known ? .invalidValue : .notFound,
                              "\(label): \(known ? "\(table.name).\(name) is computed and cannot be written" : "table \(table.name) has no field '\(name)'")",
                              hint: (known ? "" : Suggestions.didYouMean(name, among: writable).map { $0 + " " } ?? "")
                                + "the fields a file can write are: \(writable.joined(separator: ", "))")
        }
    }
}
