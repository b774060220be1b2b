/// The output formats of tables and reports.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}
