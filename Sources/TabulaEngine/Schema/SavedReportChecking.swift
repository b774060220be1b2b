import TabulaLanguage

/// Checks the saved reports of a schema file when the schema loads, so that a broken report is
/// reported in the schema file, at its place. The report language's checker lives above the
/// engine (in `TabulaReports`); the schema compiler calls it through this hook. Without one, the
/// compiler still parses each saved report (syntax errors are reported) but checks no names.
public protocol SavedReportChecking: Sendable {
    /// Checks one parsed saved report against the schema that holds it; problems are thrown
    /// located in `source`, the schema file's text.
    func checkSavedReport(_ query: ReportQuery, source: SourceText, schema: Schema) throws(SourceErrors)
}
